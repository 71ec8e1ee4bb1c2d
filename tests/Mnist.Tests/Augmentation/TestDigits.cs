using System.IO.Compression;
using Mnist.Data;
using Mnist.Tests.Infrastructure;

namespace Mnist.Tests.Augmentation;

/// <summary>
/// Test-only loader of the first MNIST test digits straight from data/mnist (gzip, IDX headers skipped), until the
/// library's IDX reader is available to these tests.
/// </summary>
internal static class TestDigits
{
    private const int MaxCount = 2000;
    private static readonly Lazy<MnistDataset> Digits = new(Load);

    /// <summary>The first <paramref name="count"/> (≤ 2000) digits of the MNIST test split.</summary>
    public static MnistDataset First(int count)
    {
        var all = Digits.Value;
        if (count > MaxCount) throw new ArgumentOutOfRangeException(nameof(count));
        return new MnistDataset(all.Pixels[..(count * all.ImageSize)].ToArray(), all.Labels[..count].ToArray(), name: $"MNIST test[..{count}]");
    }

    private static MnistDataset Load()
    {
        byte[] pixels = ReadGz("t10k-images-idx3-ubyte.gz", headerBytes: 16, MaxCount * 28 * 28);
        byte[] labels = ReadGz("t10k-labels-idx1-ubyte.gz", headerBytes: 8, MaxCount);
        return new MnistDataset(pixels, labels, name: "MNIST test");
    }

    private static byte[] ReadGz(string file, int headerBytes, int length)
    {
        using var gzip = new GZipStream(File.OpenRead(Path.Combine(RepoPaths.MnistData, file)), CompressionMode.Decompress);
        var buffer = new byte[headerBytes + length];
        gzip.ReadExactly(buffer);
        return buffer[headerBytes..];
    }
}
