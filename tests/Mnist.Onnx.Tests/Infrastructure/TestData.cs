using Mnist.Data;

namespace Mnist.Onnx.Tests.Infrastructure;

/// <summary>The real MNIST shipped in data/mnist, read once per test run, and the slices the tests use.</summary>
internal static class TestData
{
    private static readonly Lazy<string> RootLazy = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Mnist.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException("Mnist.sln not found above " + AppContext.BaseDirectory);
    });

    private static readonly Lazy<MnistSplits> SplitsLazy = new(() => MnistDataset.LoadSplits(KnownDatasets.Mnist, Path.Combine(RootLazy.Value, "data", "mnist")));

    private static readonly Lazy<Normalizer> NormalizerLazy = new(() => Normalizer.Fit(SplitsLazy.Value.Train));

    /// <summary>The repository root.</summary>
    public static string Root => RootLazy.Value;

    /// <summary>Statistics of the full training set (mean ≈ 33.32, std ≈ 78.57).</summary>
    public static Normalizer Normalizer => NormalizerLazy.Value;

    /// <summary>The first <paramref name="count"/> training images (the short, seeded training runs use them).</summary>
    public static MnistDataset Train(int count) => SplitsLazy.Value.Train.Slice(0, count);

    /// <summary>The first 1,000 test images, on which TorchSharp and ONNX Runtime are compared.</summary>
    public static MnistDataset Test1000 => SplitsLazy.Value.Test.Slice(0, 1000);

    /// <summary>The raw pixels of <paramref name="data"/> as float32 on the 0–255 scale, N × 1 × H × W in row-major order.</summary>
    public static float[] Pixels(MnistDataset data)
    {
        var bytes = data.Pixels.Span;
        var values = new float[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) values[i] = bytes[i];
        return values;
    }
}
