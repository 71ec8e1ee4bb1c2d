using Mnist.Data;
using Mnist.Tests.Infrastructure;

namespace Mnist.Tests.Data;

public sealed class KnownDatasetsTests
{
    private const string FashionMnistDebianFolder = "/usr/share/datasets/fashion-mnist";

    [Fact]
    public void Catalogue_lists_the_three_drop_ins_with_their_classes()
    {
        KnownDatasets.All.Select(d => d.Id).Should().Equal("mnist", "fashion-mnist", "kmnist");
        KnownDatasets.Get("FASHION-MNIST").Should().BeSameAs(KnownDatasets.FashionMnist);
        FluentActions.Invoking(() => KnownDatasets.Get("cifar10")).Should().Throw<ArgumentException>().WithMessage("*mnist, fashion-mnist, kmnist*");

        KnownDatasets.FashionMnist.ClassNames.Should().Equal("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
        KnownDatasets.Kmnist.ClassNames.Should().Equal("お", "き", "す", "つ", "な", "は", "ま", "や", "れ", "を");
        KnownDatasets.Kmnist.AsciiClassNames.Should().Equal("o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo");
        foreach (var dataset in KnownDatasets.All)
        {
            dataset.ClassCount.Should().Be(10);
            dataset.Files.Select(f => f.DownloadName).Should().Equal(
                "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
            dataset.TrainImages.UncompressedLength.Should().Be(47_040_016);
            dataset.TestLabels.UncompressedLength.Should().Be(10_008);
            dataset.Mirrors.Should().NotBeEmpty().And.OnlyContain(u => u.AbsoluteUri.EndsWith('/'));
            dataset.License.Should().NotBeEmpty();
            dataset.Files.Should().OnlyContain(f => f.Sha256 != null || f.CompressedSha256 != null);
        }

        KnownDatasets.Kmnist.Files.Should().OnlyContain(f => f.Sha256 == null && f.CompressedSha256!.Length == 64, "KMNIST's uncompressed hashes are not verified");
    }

    [Fact]
    public void Shipped_mnist_files_match_the_catalogue_hashes()
    {
        foreach (var file in KnownDatasets.Mnist.Files)
        {
            string path = Path.Combine(RepoPaths.MnistData, file.DownloadName);
            DatasetIntegrity.ComputeContentSha256(path).Should().Be(file.Sha256);
            DatasetIntegrity.FindProblem(file, path).Should().BeNull();
        }

        var wrong = KnownDatasets.Mnist.TestLabels with { Sha256 = new string('0', 64) };
        FluentActions.Invoking(() => DatasetIntegrity.Verify(wrong, Path.Combine(RepoPaths.MnistData, "t10k-labels-idx1-ubyte.gz")))
            .Should().Throw<DatasetIntegrityException>().WithMessage("*uncompressed content*is ff7bcfd4*expected 0000*");
    }

    [Fact]
    public void Files_without_a_content_hash_fall_back_to_the_gzip_hash_then_to_a_format_check()
    {
        using var temp = new TempDirectory();
        byte[] content = IdxTestWriter.Bytes([3], [1, 2, 3]);
        byte[] gz = IdxTestWriter.Gzip(content);
        string gzPath = temp.Combine("labels.gz");
        string plainPath = temp.Combine("labels");
        File.WriteAllBytes(gzPath, gz);
        File.WriteAllBytes(plainPath, content);
        var file = new DatasetFile { FileName = "labels", Dimensions = [3], CompressedSha256 = IdxTestWriter.Sha256(gz) };

        DatasetIntegrity.FindProblem(file, gzPath).Should().BeNull();
        DatasetIntegrity.FindProblem(file with { CompressedSha256 = new string('a', 64) }, gzPath).Should().Contain("(gzip) is");
        DatasetIntegrity.FindProblem(file, plainPath).Should().BeNull("an uncompressed copy gets the size/format check");
        DatasetIntegrity.FindProblem(file with { Dimensions = [4] }, plainPath).Should().Be($"'{plainPath}' holds 3 u8, expected 4 u8");
        DatasetIntegrity.FindProblem(file, temp.Combine("absent")).Should().Contain("does not exist");
    }

    [Fact]
    public void Fashion_mnist_ships_in_the_repository_and_matches_the_catalogue()
    {
        string shipped = Path.Combine(RepoPaths.Root, "data", "fashion-mnist");
        AssertIsCompleteFashionMnist(shipped);

        // The default locator finds the shipped copy from the test's output folder, as the samples do.
        var location = DatasetLocator.Default.Locate(KnownDatasets.FashionMnist);
        location.Found.Should().BeTrue();
        if (Environment.GetEnvironmentVariable(DatasetLocator.EnvironmentVariableName) is not { Length: > 0 })
        {
            location.Source.Should().Be(DatasetLocationSource.Repository);
            location.Directory.Should().Be(shipped);
        }
    }

    [SystemResourceFact(FashionMnistDebianFolder, "sudo apt-get install -y dataset-fashion-mnist")]
    public void Fashion_mnist_from_the_optional_debian_package_dataset_fashion_mnist_matches_the_catalogue_and_is_located()
    {
        Directory.Exists(FashionMnistDebianFolder).Should().BeTrue(
            $"Fashion-MNIST is expected in {FashionMnistDebianFolder}: install it with `sudo apt-get install -y dataset-fashion-mnist`");
        AssertIsCompleteFashionMnist(FashionMnistDebianFolder);

        // With no repository copy in reach, the locator finds the package.
        var locator = new DatasetLocator(_ => null, [], Path.Combine(Path.GetTempPath(), "mnist-no-cache-" + Guid.NewGuid().ToString("N")));
        var location = locator.Locate(KnownDatasets.FashionMnist);
        location.Source.Should().Be(DatasetLocationSource.SystemPackage);
        location.Directory.Should().Be(FashionMnistDebianFolder);
    }

    private static void AssertIsCompleteFashionMnist(string folder)
    {
        foreach (var file in KnownDatasets.FashionMnist.Files)
        {
            string? path = DatasetLocator.FindFile(folder, file);
            path.Should().NotBeNull($"{file.FileName}[.gz] belongs to Fashion-MNIST in {folder}");
            DatasetIntegrity.Verify(file, path!);
        }

        var splits = MnistDataset.LoadSplits(KnownDatasets.FashionMnist, folder);
        splits.Train.Count.Should().Be(60000);
        splits.Test.Count.Should().Be(10000);
        splits.Train.Height.Should().Be(28);
        splits.Train.ClassNames[9].Should().Be("Ankle boot");
        splits.Train.CountPerClass().Should().OnlyContain(c => c == 6000, "Fashion-MNIST is balanced");
        splits.Test.CountPerClass().Should().OnlyContain(c => c == 1000);
    }
}
