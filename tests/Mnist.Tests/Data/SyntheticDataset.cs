using Mnist.Data;

namespace Mnist.Tests.Data;

/// <summary>A small synthetic MNIST-format dataset as four uncompressed IDX files.</summary>
internal sealed record SyntheticDataset(byte[] TrainImages, byte[] TrainLabels, byte[] TestImages, byte[] TestLabels, int TrainCount, int TestCount, int Height, int Width)
{
    public IReadOnlyList<(string Name, byte[] Content)> Files =>
    [
        ("train-images-idx3-ubyte", TrainImages), ("train-labels-idx1-ubyte", TrainLabels),
        ("t10k-images-idx3-ubyte", TestImages), ("t10k-labels-idx1-ubyte", TestLabels),
    ];

    /// <summary>A catalogue entry whose content hashes are those of these files.</summary>
    public DatasetDescriptor Descriptor(string id, params Uri[] mirrors) => new()
    {
        Id = id,
        DisplayName = "Synthetic " + id,
        ClassNames = MnistDataset.DefaultClassNames,
        AsciiClassNames = MnistDataset.DefaultClassNames,
        TrainImages = new DatasetFile { FileName = "train-images-idx3-ubyte", Dimensions = [TrainCount, Height, Width], Sha256 = IdxTestWriter.Sha256(TrainImages) },
        TrainLabels = new DatasetFile { FileName = "train-labels-idx1-ubyte", Dimensions = [TrainCount], Sha256 = IdxTestWriter.Sha256(TrainLabels) },
        TestImages = new DatasetFile { FileName = "t10k-images-idx3-ubyte", Dimensions = [TestCount, Height, Width], Sha256 = IdxTestWriter.Sha256(TestImages) },
        TestLabels = new DatasetFile { FileName = "t10k-labels-idx1-ubyte", Dimensions = [TestCount], Sha256 = IdxTestWriter.Sha256(TestLabels) },
        Mirrors = mirrors,
    };

    /// <summary>Writes the four files (gzip when asked) into <paramref name="directory"/>.</summary>
    public void WriteTo(string directory, bool gzip)
    {
        Directory.CreateDirectory(directory);
        foreach (var (name, content) in Files)
        {
            File.WriteAllBytes(Path.Combine(directory, gzip ? name + ".gz" : name), gzip ? IdxTestWriter.Gzip(content) : content);
        }
    }
}
