using Mnist.Data;
using Mnist.Models;
using Mnist.Training;

namespace Mnist.Onnx.Tests.Infrastructure;

/// <summary>Short, seeded training runs: one epoch on the first training images, enough steps for the batch-norm statistics to move.</summary>
internal static class Trainer
{
    /// <summary>Builds <paramref name="builder"/> with <paramref name="seed"/>, compiles it (Adam 1e-3) unless the builder does, and trains one epoch in batches of 32.</summary>
    public static SequentialModel Trained(SequentialBuilder builder, int seed, int images = 512, ComputePrecision precision = ComputePrecision.Float32)
    {
        var model = builder.Build(new ModelOptions { Seed = seed, Precision = precision });
        try
        {
            if (model.OptimizerOptions is null) model.Compile(new AdamOptions { LearningRate = 1e-3 });
            model.Fit(TestData.Train(images).Batches(32, shuffle: true, seed: seed), new FitOptions { Epochs = 1 });
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Asserts that every batch-norm layer's moving mean and variance left their initial 0 and 1, so the export is tested on real statistics.</summary>
    public static void ShouldHaveTrainedBatchNormStatistics(this SequentialModel model)
    {
        using var weights = model.GetWeights();
        var means = weights.Names.Where(n => n.EndsWith("running_mean", StringComparison.Ordinal)).ToArray();
        means.Should().NotBeEmpty();
        foreach (var mean in means)
        {
            weights.GetValues(mean).Max(v => Math.Abs(v)).Should().BeGreaterThan(1e-3f, $"{mean} must have moved from 0 during training");
            string variance = mean[..^"running_mean".Length] + "running_var";
            weights.GetValues(variance).Max(v => Math.Abs(v - 1)).Should().BeGreaterThan(1e-3f, $"{variance} must have moved from 1 during training");
        }
    }
}
