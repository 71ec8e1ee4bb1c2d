using Mnist.Data;

namespace Mnist.Tests.Infrastructure;

/// <summary>The real MNIST splits from data/mnist, read once per test run with the library's IDX reader.</summary>
internal static class TestDigits
{
    private static readonly Lazy<MnistSplits> SplitsLazy = new(() => MnistDataset.LoadSplits(KnownDatasets.Mnist, RepoPaths.MnistData));

    /// <summary>Training and test sets.</summary>
    public static MnistSplits Splits => SplitsLazy.Value;

    /// <summary>The first <paramref name="count"/> test digits.</summary>
    public static MnistDataset First(int count) => Splits.Test.Slice(0, count);

    /// <summary>The first <paramref name="count"/> test digits.</summary>
    public static MnistDataset Load(int count) => First(count);

    /// <summary>The first 100 test digits.</summary>
    public static MnistDataset Test100 => First(100);
}
