using Mnist.Data;
using Mnist.Models;
using Xunit.Abstractions;

namespace Mnist.Onnx.Tests.Infrastructure;

/// <summary>Compares ONNX Runtime's probabilities with TorchSharp's on the same images.</summary>
internal static class Agreement
{
    /// <summary>The tolerance of every probability: 1e-4 absolute.</summary>
    public const double Tolerance = 1e-4;

    /// <summary>Exports <paramref name="classifier"/>'s graph (already written to <paramref name="onnxPath"/>), runs it on the 1,000 test images, and compares with <paramref name="reference"/>'s <c>PredictProba</c>.</summary>
    public static Comparison Compare(IClassifier reference, string onnxPath, ITestOutputHelper output, string label)
    {
        var test = TestData.Test1000;
        var torch = reference.PredictProba(test.Batches(256));
        float[] onnx = OnnxRunner.Run(onnxPath, TestData.Pixels(test), reference.InputShape.Dimensions.ToArray());
        var comparison = Comparison.Of(torch, onnx);
        // For inspection with other tools (e.g. onnx.checker): MNIST_ONNX_KEEP=/some/folder keeps a copy of every compared graph.
        if (Environment.GetEnvironmentVariable("MNIST_ONNX_KEEP") is { Length: > 0 } keep)
        {
            Directory.CreateDirectory(keep);
            File.Copy(onnxPath, Path.Combine(keep, string.Concat(label.Select(c => char.IsLetterOrDigit(c) ? c : '-')) + ".onnx"), overwrite: true);
        }

        output.WriteLine($"{label}: max |p_onnx − p_torch| = {comparison.MaxAbsDifference:E3} over {torch.SampleCount} images × {torch.ClassCount} classes; arg-max differs on {comparison.ArgMaxMismatches} images");
        return comparison;
    }

    /// <summary>Asserts the agreement the export promises: every probability within <see cref="Tolerance"/>, the same arg-max everywhere.</summary>
    public static void ShouldAgree(this Comparison comparison)
    {
        comparison.SampleCount.Should().Be(1000);
        comparison.MaxAbsDifference.Should().BeLessThanOrEqualTo(Tolerance);
        comparison.ArgMaxMismatches.Should().Be(0, "ONNX Runtime must predict the same class as TorchSharp on every image");
    }
}

/// <summary>How two probability matrices differ.</summary>
internal sealed record Comparison(int SampleCount, double MaxAbsDifference, int ArgMaxMismatches, int[] OnnxClasses)
{
    public static Comparison Of(ClassProbabilities torch, float[] onnx)
    {
        int classes = torch.ClassCount;
        onnx.Length.Should().Be(torch.SampleCount * classes, "ONNX Runtime returns N × C probabilities");
        double max = 0;
        int mismatches = 0;
        var onnxClasses = new int[torch.SampleCount];
        for (int n = 0; n < torch.SampleCount; n++)
        {
            var row = onnx.AsSpan(n * classes, classes);
            int best = 0;
            for (int c = 0; c < classes; c++)
            {
                float value = row[c];
                float.IsFinite(value).Should().BeTrue();
                max = Math.Max(max, Math.Abs(value - torch[n, c]));
                if (value > row[best]) best = c;
            }

            onnxClasses[n] = best;
            if (best != torch.ArgMax(n)) mismatches++;
        }

        return new Comparison(torch.SampleCount, max, mismatches, onnxClasses);
    }
}
