using Mnist.Data;

namespace Mnist.Tests.Data;

public sealed class DatasetLocatorTests
{
    private static readonly SyntheticDataset Synthetic = IdxTestWriter.Synthetic(4, 2, seed: 1, height: 2, width: 2);
    private static readonly DatasetDescriptor Descriptor = Synthetic.Descriptor("toy");

    [Fact]
    public void Search_order_is_explicit_then_environment_then_repository_then_cache()
    {
        using var temp = new TempDirectory();
        string explicitDir = temp.Combine("explicit");
        string envRoot = temp.Combine("env");
        string repo = temp.Combine("repo");
        string deep = temp.Combine("repo", "bin", "Release", "net10.0");
        string cache = temp.Combine("cache");
        Directory.CreateDirectory(deep);
        foreach (string dir in new[] { explicitDir, Path.Combine(envRoot, "toy"), Path.Combine(repo, "data", "toy"), Path.Combine(cache, "toy") })
        {
            Synthetic.WriteTo(dir, gzip: true);
        }

        string? env = envRoot;
        var locator = new DatasetLocator(name => name == "MNIST_DATA" ? env : null, [deep], cache);

        AssertFound(locator.Locate(Descriptor, explicitDir), DatasetLocationSource.ExplicitPath, explicitDir);
        AssertFound(locator.Locate(Descriptor), DatasetLocationSource.EnvironmentVariable, Path.Combine(envRoot, "toy"));

        env = Path.Combine(envRoot, "toy"); // MNIST_DATA may also point straight at the files
        locator.Locate(Descriptor).Source.Should().Be(DatasetLocationSource.EnvironmentVariable);

        env = temp.Combine("nothing-here"); // a variable that points nowhere useful is skipped
        AssertFound(locator.Locate(Descriptor), DatasetLocationSource.Repository, Path.Combine(repo, "data", "toy"));

        Directory.Delete(Path.Combine(repo, "data", "toy"), recursive: true);
        AssertFound(locator.Locate(Descriptor), DatasetLocationSource.UserCache, Path.Combine(cache, "toy"));
        locator.GetCacheDirectory(Descriptor).Should().Be(Path.Combine(cache, "toy"));

        File.Delete(Path.Combine(cache, "toy", "t10k-labels-idx1-ubyte.gz")); // an incomplete folder does not count
        var missing = locator.Locate(Descriptor);
        missing.Found.Should().BeFalse();
        missing.Source.Should().Be(DatasetLocationSource.NotFound);
        missing.SearchedDirectories.Should().Contain([env, Path.Combine(cache, "toy")]);
    }

    [Fact]
    public void An_explicit_directory_without_the_files_is_not_silently_replaced()
    {
        using var temp = new TempDirectory();
        Synthetic.WriteTo(temp.Combine("cache", "toy"), gzip: false);
        var locator = new DatasetLocator(_ => null, [], temp.Combine("cache"));

        var location = locator.Locate(Descriptor, temp.Combine("empty"));
        location.Found.Should().BeFalse();
        location.SearchedDirectories.Should().Equal(temp.Combine("empty"));

        var act = () => MnistDataset.LoadSplits(Descriptor, temp.Combine("empty"), locator);
        act.Should().Throw<DatasetNotFoundException>()
            .WithMessage($"Synthetic toy was not found. Looked for train-images-idx3-ubyte[.gz]*in: {temp.Combine("empty")}. Pass a directory, set MNIST_DATA*");
        MnistDataset.LoadSplits(Descriptor, locator: locator).Train.Count.Should().Be(4);
    }

    [Fact]
    public void Plain_files_are_preferred_and_gz_copies_accepted()
    {
        using var temp = new TempDirectory();
        Synthetic.WriteTo(temp.Path, gzip: true);
        DatasetLocator.FindFile(temp.Path, Descriptor.TrainImages).Should().EndWith("train-images-idx3-ubyte.gz");
        File.WriteAllBytes(temp.Combine("train-images-idx3-ubyte"), Synthetic.TrainImages);
        DatasetLocator.FindFile(temp.Path, Descriptor.TrainImages).Should().EndWith("train-images-idx3-ubyte");
        DatasetLocator.HoldsAllFiles(temp.Path, Descriptor).Should().BeTrue();
        DatasetLocator.HoldsAllFiles(temp.Combine("absent"), Descriptor).Should().BeFalse();
    }

    [Fact]
    public void The_default_locator_finds_the_repository_copy_of_mnist()
    {
        var location = new DatasetLocator(_ => null).Locate(KnownDatasets.Mnist);
        location.Source.Should().Be(DatasetLocationSource.Repository);
        location.Directory.Should().Be(Mnist.Tests.Infrastructure.RepoPaths.MnistData);
        DatasetLocator.Default.CacheRoot.Should().Be(Path.Combine(
            Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "mnist-dotnet"));
    }

    private static void AssertFound(DatasetLocation location, DatasetLocationSource source, string directory)
    {
        location.Source.Should().Be(source);
        location.Directory.Should().Be(directory);
        location.Found.Should().BeTrue();
        location.SearchedDirectories.Should().EndWith(directory);
    }
}
