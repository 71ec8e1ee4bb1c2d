using System.IO.Compression;
using Mnist.Data;
using Mnist.Tests.Infrastructure;

namespace Mnist.Tests.Plotting;

/// <summary>Test-only loader for the first few MNIST test digits (the product's IDX reader lives elsewhere).</summary>
internal static class TestDigits
{
    private static readonly Lazy<MnistDataset> First100 = new(() => Load(100));

    /// <summary>The first 100 digits of the MNIST test set (t10k).</summary>
    public static MnistDataset Test100 => First100.Value;

    public static MnistDataset Load(int count)
    {
        var pixels = ReadGz(Path.Combine(RepoPaths.MnistData, "t10k-images-idx3-ubyte.gz"), headerBytes: 16, count * 28 * 28);
        var labels = ReadGz(Path.Combine(RepoPaths.MnistData, "t10k-labels-idx1-ubyte.gz"), headerBytes: 8, count);
        return new MnistDataset(pixels, labels, name: "MNIST test (first " + count + ")");
    }

    private static byte[] ReadGz(string path, int headerBytes, int bytes)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        var buffer = new byte[headerBytes + bytes];
        gz.ReadExactly(buffer);
        return buffer[headerBytes..];
    }
}
