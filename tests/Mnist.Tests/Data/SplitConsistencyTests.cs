using Mnist.Data;

namespace Mnist.Tests.Data;

/// <summary>Train and test splits that do not belong together are refused when loading, not after the first epoch (issue 15).</summary>
public sealed class SplitConsistencyTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Test_images_of_another_size_than_the_training_images_are_rejected_naming_both_files_and_shapes(bool gzip)
    {
        using var temp = new TempDirectory();
        var square = IdxTestWriter.Synthetic(12, 4, seed: 1);
        var wide = IdxTestWriter.Synthetic(12, 4, seed: 2, height: 14, width: 56);
        var mixed = square with { TestImages = wide.TestImages, TestLabels = wide.TestLabels };
        mixed.WriteTo(temp.Path, gzip);
        string ext = gzip ? ".gz" : "";
        string trainImages = temp.Combine("train-images-idx3-ubyte" + ext), testImages = temp.Combine("t10k-images-idx3-ubyte" + ext);
        var descriptor = mixed.Descriptor("mixed");
        string expected = $"'{testImages}' holds test images of 4×14×56 u8 but the training images '{trainImages}' are 12×28×28 u8; "
                          + "a model trained on 28×28 images cannot be evaluated on 14×56 ones (the files probably come from different datasets)";

        var load = () => MnistDataset.LoadSplits(descriptor, temp.Path);
        load.Should().Throw<IdxFormatException>().WithMessage(expected).Which.Source.Should().Be(testImages);
        var loadAsync = () => MnistDataset.LoadSplitsAsync(descriptor, temp.Path);
        await loadAsync.Should().ThrowAsync<IdxFormatException>().WithMessage(expected);
    }

    [Fact]
    public void Same_pixel_count_in_another_layout_is_still_a_mismatch()
    {
        using var temp = new TempDirectory();
        var square = IdxTestWriter.Synthetic(6, 2, seed: 3, height: 8, width: 8);
        var tall = IdxTestWriter.Synthetic(6, 2, seed: 4, height: 16, width: 4);
        (square with { TestImages = tall.TestImages }).WriteTo(temp.Path, gzip: false);

        var load = () => MnistDataset.LoadSplits(square.Descriptor("layout"), temp.Path);
        load.Should().Throw<IdxFormatException>().WithMessage("*holds test images of 2×16×4 u8 but the training images * are 6×8×8 u8*");
    }

    [Fact]
    public void Labels_outside_the_descriptors_classes_are_rejected_when_loading_either_split()
    {
        using var temp = new TempDirectory();
        var synthetic = IdxTestWriter.Synthetic(20, 5, seed: 6);
        byte[] badTestLabels = IdxTestWriter.Bytes([5], [0, 1, 2, 10, 3]);
        (synthetic with { TestLabels = badTestLabels }).WriteTo(temp.Combine("test"), gzip: true);
        var descriptor = synthetic.Descriptor("labels");

        var test = () => MnistDataset.LoadSplits(descriptor, temp.Combine("test"));
        test.Should().Throw<IdxFormatException>()
            .WithMessage($"'{temp.Combine("test", "t10k-labels-idx1-ubyte.gz")}' has label 10 at index 3, outside the 10 classes");

        // A descriptor with fewer classes than the files' labels: the training labels already fail.
        synthetic.WriteTo(temp.Combine("train"), gzip: false);
        var fewer = descriptor with { ClassNames = ["a", "b", "c"], AsciiClassNames = ["a", "b", "c"] };
        var train = () => MnistDataset.LoadSplits(fewer, temp.Combine("train"));
        train.Should().Throw<IdxFormatException>()
            .WithMessage($"'{temp.Combine("train", "train-labels-idx1-ubyte")}' has label * at index *, outside the 3 classes");
    }

    [Fact]
    public void Consistent_splits_of_any_common_size_load()
    {
        using var temp = new TempDirectory();
        var synthetic = IdxTestWriter.Synthetic(9, 3, seed: 7, height: 14, width: 56);
        synthetic.WriteTo(temp.Path, gzip: true);
        var splits = MnistDataset.LoadSplits(synthetic.Descriptor("wide"), temp.Path);
        splits.Train.Height.Should().Be(14);
        splits.Test.Width.Should().Be(56);
        splits.Test.Count.Should().Be(3);
    }
}
