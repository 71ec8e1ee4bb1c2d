using System.Diagnostics;
using Mnist.Data;
using Mnist.Tests.Infrastructure;
using TorchSharp;
using Xunit.Abstractions;

namespace Mnist.Tests.Data;

public sealed class MnistDatasetTests(MnistTrainingSetFixture mnist, ITestOutputHelper output) : IClassFixture<MnistTrainingSetFixture>
{
    [Fact]
    public void Real_mnist_has_the_published_shapes_labels_and_class_counts()
    {
        mnist.Train.Count.Should().Be(60000);
        mnist.Test.Count.Should().Be(10000);
        mnist.Train.Height.Should().Be(28);
        mnist.Train.Width.Should().Be(28);
        mnist.Train.Pixels.Length.Should().Be(60000 * 784);
        Enumerable.Range(0, 10).Select(mnist.Train.GetLabel).Should().Equal(5, 0, 4, 1, 9, 2, 1, 3, 1, 4);
        mnist.Train.CountPerClass().Should().Equal(5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949);
        mnist.Test.CountPerClass().Sum().Should().Be(10000);
        mnist.Splits.Dataset.Should().BeSameAs(KnownDatasets.Mnist);
        mnist.Train.Name.Should().Be("MNIST train");
    }

    [Fact]
    public void Loading_the_full_gzip_training_images_takes_well_under_a_second()
    {
        string path = Path.Combine(RepoPaths.MnistData, "train-images-idx3-ubyte.gz");
        IdxReader.ReadFile(path); // warm-up (JIT, file cache)
        var watch = Stopwatch.StartNew();
        var idx = IdxReader.ReadFile(path);
        watch.Stop();
        output.WriteLine($"IdxReader.ReadFile(train-images-idx3-ubyte.gz): {watch.Elapsed.TotalMilliseconds:F0} ms");
        idx.Dimensions.Should().Equal(60000, 28, 28);
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(1), "the brief asks for well under a second (measured {0} ms)", watch.ElapsedMilliseconds);
    }

    [Fact]
    public void Tensors_have_the_keras_shapes_and_the_dataset_values()
    {
        using var scope = torch.NewDisposeScope();
        var bytes = mnist.Test.ToImageTensor();
        bytes.shape.Should().Equal(10000, 1, 28, 28);
        bytes.dtype.Should().Be(torch.ScalarType.Byte);
        var floats = mnist.Test.ToImageTensor(torch.ScalarType.Float32);
        floats.dtype.Should().Be(torch.ScalarType.Float32);
        floats.shape.Should().Equal(10000, 1, 28, 28);
        var labels = mnist.Test.ToLabelTensor();
        labels.dtype.Should().Be(torch.ScalarType.Int64);
        labels.shape.Should().Equal(10000);

        var image = mnist.Test.GetImage(1234).ToArray();
        bytes[1234, 0].flatten().data<byte>().ToArray().Should().Equal(image);
        floats[1234, 0].flatten().data<float>().ToArray().Should().Equal(image.Select(b => (float)b));
        labels[1234].item<long>().Should().Be(mnist.Test.GetLabel(1234));
        floats.sum().item<float>().Should().BeApproximately(mnist.Test.Pixels.ToArray().Sum(b => (float)b), 1e3f);

        bytes.fill_(7); // the tensor is a copy: the immutable dataset must not change
        mnist.Test.GetImage(1234).ToArray().Should().Equal(image);
    }

    [Fact]
    public void Slice_and_subset_copy_the_right_samples()
    {
        var slice = mnist.Train.Slice(100, 5);
        slice.Count.Should().Be(5);
        slice.GetImage(0).ToArray().Should().Equal(mnist.Train.GetImage(100).ToArray());
        slice.GetLabel(4).Should().Be(mnist.Train.GetLabel(104));

        var subset = mnist.Train.Subset([59999, 0, 0]);
        subset.Count.Should().Be(3);
        subset.GetImage(0).ToArray().Should().Equal(mnist.Train.GetImage(59999).ToArray());
        subset.GetLabel(1).Should().Be(5);
        subset.GetLabel(2).Should().Be(5);

        mnist.Train.Slice(60000, 0).Count.Should().Be(0);
        FluentActions.Invoking(() => mnist.Train.Slice(59999, 2)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => mnist.Train.Subset([0, 60000])).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*Index 60000 (at position 1)*");
    }

    [Fact]
    public void Validation_split_is_seeded_disjoint_and_complete()
    {
        var data = mnist.Train.Slice(0, 1000);
        var a = data.SplitValidation(0.1, seed: 42);
        var b = data.SplitValidation(0.1, seed: 42);
        var c = data.SplitValidation(0.1, seed: 43);

        a.Validation.Count.Should().Be(100);
        a.Train.Count.Should().Be(900);
        a.Validation.Pixels.ToArray().Should().Equal(b.Validation.Pixels.ToArray());
        a.Validation.Pixels.ToArray().Should().NotEqual(c.Validation.Pixels.ToArray());

        // Every sample lands in exactly one part: compare the multisets of (label, image) fingerprints.
        static IEnumerable<string> Keys(MnistDataset d) => Enumerable.Range(0, d.Count).Select(i => d.GetLabel(i) + ":" + Convert.ToHexString(d.GetImage(i)));
        Keys(a.Train).Concat(Keys(a.Validation)).Order(StringComparer.Ordinal).Should().Equal(Keys(data).Order(StringComparer.Ordinal));

        FluentActions.Invoking(() => data.SplitValidation(0, 1)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => data.SplitValidation(0.0001, 1)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*empty*");
    }

    [Fact]
    public void Images_and_labels_of_different_splits_are_rejected_naming_both_files_and_counts()
    {
        string images = Path.Combine(RepoPaths.MnistData, "t10k-images-idx3-ubyte.gz");
        string labels = Path.Combine(RepoPaths.MnistData, "train-labels-idx1-ubyte.gz");
        var act = () => MnistDataset.Load(images, labels);
        act.Should().Throw<IdxFormatException>()
            .WithMessage($"'{images}' holds 10,000 images but '{labels}' holds 60,000 labels*");
    }

    [Fact]
    public void Wrong_ranks_types_and_labels_are_typed_errors()
    {
        var images = IdxReader.Read(IdxTestWriter.Bytes([2, 2, 2], new byte[8]), "images");
        var labels = IdxReader.Read(IdxTestWriter.Bytes([2], [1, 10]), "labels");
        var flat = IdxReader.Read(IdxTestWriter.Bytes([2, 4], new byte[8]), "flat");
        var wide = IdxReader.Read(IdxTestWriter.Write(IdxElementType.Int32, [2], [1, 2]), "wide");

        FluentActions.Invoking(() => MnistDataset.FromIdx(images, labels)).Should().Throw<IdxFormatException>().WithMessage("'labels' has label 10 at index 1, outside the 10 classes");
        FluentActions.Invoking(() => MnistDataset.FromIdx(flat, labels)).Should().Throw<IdxFormatException>().WithMessage("'flat' holds 2×4 u8, but an image file must be u8 N×H×W");
        FluentActions.Invoking(() => MnistDataset.FromIdx(images, wide)).Should().Throw<IdxFormatException>().WithMessage("'wide' holds 2 i32, but a label file must be u8 N");
        MnistDataset.FromIdx(images, labels, ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"]).GetLabel(1).Should().Be(10);
    }

    [Fact]
    public void Hand_built_plain_and_gzip_files_load_as_a_dataset()
    {
        using var temp = new TempDirectory();
        var synthetic = IdxTestWriter.Synthetic(12, 3, seed: 5, height: 4, width: 6);
        synthetic.WriteTo(temp.Combine("plain"), gzip: false);
        synthetic.WriteTo(temp.Combine("gz"), gzip: true);
        var descriptor = synthetic.Descriptor("synthetic");

        var plain = MnistDataset.LoadSplits(descriptor, temp.Combine("plain"));
        var gz = MnistDataset.LoadSplits(descriptor, temp.Combine("gz"));

        plain.Train.Count.Should().Be(12);
        plain.Train.Height.Should().Be(4);
        plain.Train.Width.Should().Be(6);
        plain.Test.Count.Should().Be(3);
        gz.Train.Pixels.ToArray().Should().Equal(plain.Train.Pixels.ToArray()).And.Equal(synthetic.TrainImages[16..]);
        gz.Test.Labels.ToArray().Should().Equal(synthetic.TestLabels[8..]);
    }
}
