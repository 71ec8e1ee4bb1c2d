using System.Diagnostics;
using System.Globalization;
using Mnist.Augmentation;
using Mnist.Data;
using Mnist.Models;
using Mnist.Training;

namespace Mnist.Benchmarks;

/// <summary>
/// The evidence behind the accuracy recipe (docs/recipes.md): each candidate — architecture, augmentation, schedule —
/// trains one model on the first 50,000 training images and is scored on the held-out last 10,000 training images. The
/// official test set is never looked at here. Prints one table row per candidate: parameters, seconds per epoch, the
/// hold-out accuracy after each epoch.
/// </summary>
internal static class RecipeSearch
{
    /// <summary>Images held out of the training set for validation (the last ones).</summary>
    public const int HoldoutImages = 10_000;

    /// <summary>Runs the candidates named in <paramref name="filter"/> (names separated by ';'; all when null).</summary>
    public static void Run(MnistSplits splits, int epochs, int seed, string? filter, ComputePrecision precision)
    {
        var inv = CultureInfo.InvariantCulture;
        var fit = splits.Train.Slice(0, splits.Train.Count - HoldoutImages);
        var holdout = splits.Train.Slice(splits.Train.Count - HoldoutImages, HoldoutImages);
        var normalizer = Normalizer.Fit(fit);
        Console.WriteLine($"recipe search: {fit.Count:N0} training images, hold-out {holdout.Count:N0} (the last of the training set), {epochs} epochs, one-cycle Adam, batch 128, seed {seed}, {precision}");
        Console.WriteLine("| candidate | parameters | s/epoch | hold-out accuracy per epoch | best hold-out error |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var candidate in Candidates(normalizer))
        {
            if (filter is not null && !filter.Split(';').Contains(candidate.Name, StringComparer.OrdinalIgnoreCase)) continue;
            using var model = candidate.Architecture.Build(new ModelOptions { Seed = seed, Precision = precision });
            long parameters = model.Summary().TrainableParameters;
            var options = new FitOptions
            {
                Epochs = epochs,
                Validation = holdout.Batches(1000),
                LabelSmoothing = candidate.LabelSmoothing,
                Callbacks = [new LearningRateScheduler(new OneCycleSchedule(candidate.MaxLearningRate, epochs))],
            };
            var clock = Stopwatch.StartNew();
            var history = model.Fit(fit.Augment(candidate.Augmentation).Flow(128, shuffle: true, seed: seed), options);
            double secondsPerEpoch = clock.Elapsed.TotalSeconds / epochs;
            var accuracies = history.Epochs.Select(e => e.ValidationAccuracy ?? double.NaN).ToArray();
            Console.WriteLine($"| {candidate.Name} | {parameters:N0} | {secondsPerEpoch.ToString("F1", inv)} | {string.Join(" ", accuracies.Select(a => a.ToString("F4", inv)))} | {(1 - accuracies.Max()).ToString("F4", inv)} |");
        }
    }

    private sealed record Candidate(string Name, SequentialBuilder Architecture, AugmentationOptions Augmentation, double MaxLearningRate, double LabelSmoothing = 0);

    private static IEnumerable<Candidate> Candidates(Normalizer normalizer)
    {
        var affine = new AugmentationOptions { RotationRangeDegrees = 10, WidthShiftRange = 0.1, HeightShiftRange = 0.1, ZoomRange = 0.1 };
        var elastic = affine.Clone();
        elastic.ElasticAlphaPixels = 34;
        elastic.ElasticSigmaPixels = 4;
        var erasing = elastic.Clone();
        erasing.ErasingProbability = 0.5;

        yield return new("improved miniNet, affine", KnownModels.ImprovedMiniNet(normalizer), affine, 0.005);
        yield return new("strided, affine", Strided(normalizer, 32, 128), affine, 0.005);
        yield return new("strided, affine+elastic", Strided(normalizer, 32, 128), elastic, 0.005);
        yield return new("strided, affine+elastic+erasing", Strided(normalizer, 32, 128), erasing, 0.005);
        yield return new("strided wide, affine+elastic", Strided(normalizer, 48, 256), elastic, 0.005);
        yield return new("strided, affine+elastic, smoothing 0.1", Strided(normalizer, 32, 128), elastic, 0.005, 0.1);
    }

    /// <summary>Deotte's Kaggle MNIST net: 2 × (3×3, 3×3, 5×5 stride 2), each conv followed by batch norm, dropout 0.4.</summary>
    private static SequentialBuilder Strided(Normalizer normalizer, int width, int dense)
    {
        var builder = Sequential.Input(1, 28, 28).Normalize(normalizer);
        foreach (int filters in (ReadOnlySpan<int>)[width, 2 * width])
        {
            builder.Conv2D(filters, 3, Activation.ReLU).BatchNorm(momentum: 0.9)
                   .Conv2D(filters, 3, Activation.ReLU).BatchNorm(momentum: 0.9)
                   .Conv2D(filters, 5, Activation.ReLU, ConvPadding.Same, stride: 2).BatchNorm(momentum: 0.9)
                   .Dropout(0.4);
        }

        return builder.Flatten().Dense(dense, Activation.ReLU).BatchNorm(momentum: 0.9).Dropout(0.4)
                      .Dense(10, Activation.Softmax).Compile(new AdamOptions { LearningRate = 0.001 });
    }
}
