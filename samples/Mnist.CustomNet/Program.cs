using Mnist;
using System.Diagnostics;
using System.Globalization;
using Mnist.Augmentation;
using Mnist.Data;
using Mnist.Ensemble;
using Mnist.Models;
using Mnist.Training;

// A convnet of your own with the fluent builder: wider first block, average pooling, global-average-style head.
// Usage: dotnet run --project samples/Mnist.CustomNet -c Release [-- --train-images N --test-images N --epochs N]
int Arg(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

int trainImages = Arg("--train-images", 12_000), testImages = Arg("--test-images", 10_000), epochs = Arg("--epochs", 1);
var clock = Stopwatch.StartNew();
TorchRuntime.Configure(new TorchRuntimeOptions { TuneAllocator = true }); // process-wide settings are the app's choice

var splits = MnistDataset.LoadSplits();                       // data/mnist of a clone, $MNIST_DATA_ROOT/mnist, or the user cache
var train = splits.Train.Slice(0, Math.Min(trainImages, splits.Train.Count));
var test = splits.Test.Slice(0, Math.Min(testImages, splits.Test.Count));
var normalizer = Normalizer.Fit(splits.Train);

var architecture = Sequential.Input(1, 28, 28)
    .Normalize(normalizer)
    .Conv2D(48, 5, Activation.ReLU, ConvPadding.Same)
    .BatchNorm(momentum: 0.9)                                  // Keras' 0.99 settles too slowly for a short run
    .AvgPool2D()                                               // 14 × 14
    .Conv2D(64, 3, Activation.ReLU)                            // 12 × 12
    .BatchNorm(momentum: 0.9)
    .AvgPool2D()                                               // 6 × 6
    .Conv2D(96, 3, Activation.ReLU)                            // 4 × 4
    .AvgPool2D(4)                                              // 1 × 1: global average
    .Flatten()
    .Dropout(0.3)
    .Dense(10, Activation.Softmax);

using (var preview = architecture.Build())
{
    Console.WriteLine(preview.Summary());
}

// Two members, each with its own seed for initialisation and augmentation order.
using var ensemble = architecture.ToEnsemble(members: 2, seed: 7)
    .WithOptimizer(() => new AdamOptions { LearningRate = 0.003 })
    .Build();
var augmentation = new AugmentationOptions { RotationRangeDegrees = 8, WidthShiftRange = 0.08, HeightShiftRange = 0.08, ShearRangeDegrees = 10, ZoomRange = 0.08 };
ensemble.Fit(
    (_, seed) => train.Augment(augmentation).Flow(DefaultBatchSize.Training, shuffle: true, seed: seed),
    new EnsembleFitOptions { Epochs = epochs, Validation = test.Batches(DefaultBatchSize.Evaluation), Progress = new KerasProgressBar() });

var report = ensemble.Evaluate(test);
Console.WriteLine(report);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"CUSTOMNET-OK ensemble accuracy {report.Combined.Accuracy:F4} on {test.Count} test images, {clock.Elapsed.TotalSeconds:F1}s"));
