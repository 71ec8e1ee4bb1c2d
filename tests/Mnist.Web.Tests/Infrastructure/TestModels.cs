using Mnist.Data;
using Mnist.Models;
using Mnist.Training;

namespace Mnist.Web.Tests.Infrastructure;

/// <summary>
/// The real MNIST from data/mnist and a small convnet that really reads digits: trained once per test run (seeded, one
/// epoch on 6,000 training digits, a few seconds on 2 cores) and kept in the test output folder, so later runs load it.
/// </summary>
internal static class TestModels
{
    private const string CacheName = "tiny-convnet-seed3-6000-v1.mnistmodel";

    private static readonly Lazy<MnistSplits> SplitsLazy = new(() => MnistDataset.LoadSplits(KnownDatasets.Mnist, RepoPaths.MnistData));

    private static readonly Lazy<string> ConvnetLazy = new(TrainOrLoad);

    /// <summary>Training and test sets.</summary>
    public static MnistSplits Mnist => SplitsLazy.Value;

    /// <summary>The path of the trained convnet's whole-model file.</summary>
    public static string ConvnetPath => ConvnetLazy.Value;

    /// <summary>The 784 pixels (0–255, light ink on black) of test digit <paramref name="index"/>.</summary>
    public static byte[] TestDigit(int index) => Mnist.Test.GetImage(index).ToArray();

    /// <summary>The label of test digit <paramref name="index"/>.</summary>
    public static int TestLabel(int index) => Mnist.Test.GetLabel(index);

    private static string TrainOrLoad()
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "test-models");
        string path = Path.Combine(folder, CacheName);
        if (File.Exists(path))
        {
            try
            {
                using var cached = SequentialModel.Load(path);
                return path;
            }
            catch (ModelFileException)
            {
                File.Delete(path); // a run killed while saving: train again
            }
        }

        Directory.CreateDirectory(folder);
        TorchRuntime.EnsureInitialized();
        using var model = Sequential.Input(1, 28, 28).Normalize(33f, 78f)
            .Conv2D(16, 3, Activation.ReLU).MaxPool2D()
            .Conv2D(32, 3, Activation.ReLU).MaxPool2D()
            .Flatten().Dense(10, Activation.Softmax)
            .Build(new ModelOptions { Seed = 3 });
        model.Compile(new AdamOptions { LearningRate = 0.003 });
        model.Fit(Mnist.Train.Slice(0, 6000).Batches(64, shuffle: true, seed: 3));
        string staging = path + "." + Environment.ProcessId + ".tmp";
        model.Save(staging);
        File.Move(staging, path, overwrite: true);
        return path;
    }
}
