using Mnist.Data;

namespace Mnist.Tests.Data;

public sealed class DatasetLocatorTests
{
    private static readonly SyntheticDataset Synthetic = IdxTestWriter.Synthetic(4, 2, seed: 1, height: 2, width: 2);
    private static readonly DatasetDescriptor Descriptor = Synthetic.Descriptor("toy");

    [Fact]
    public void Search_order_is_explicit_then_data_root_variable_then_repository_then_system_packages_then_cache()
    {
        using var temp = new TempDirectory();
        string explicitDir = temp.Combine("explicit");
        string envRoot = temp.Combine("env");
        string repo = temp.Combine("repo");
        string deep = temp.Combine("repo", "bin", "Release", "net10.0");
        string system = temp.Combine("usr-share-datasets");
        string cache = temp.Combine("cache");
        Directory.CreateDirectory(deep);
        File.WriteAllText(Path.Combine(repo, "Mnist.sln"), string.Empty); // the root of a clone
        foreach (string dir in new[] { explicitDir, Path.Combine(envRoot, "toy"), Path.Combine(repo, "data", "toy"), Path.Combine(system, "toy"), Path.Combine(cache, "toy") })
        {
            Synthetic.WriteTo(dir, gzip: true);
        }

        string? env = envRoot;
        var locator = new DatasetLocator(name => name == "MNIST_DATA_ROOT" ? env : null, [deep], cache, system);
        locator.SystemDatasetsRoot.Should().Be(system);

        AssertFound(locator.Locate(Descriptor, explicitDir), DatasetLocationSource.ExplicitPath, explicitDir);
        AssertFound(locator.Locate(Descriptor), DatasetLocationSource.EnvironmentVariable, Path.Combine(envRoot, "toy"));

        env = Path.Combine(envRoot, "toy"); // the variable names the root of all datasets, not one dataset's files
        AssertFound(locator.Locate(Descriptor), DatasetLocationSource.Repository, Path.Combine(repo, "data", "toy"));

        Directory.Delete(Path.Combine(repo, "data", "toy"), recursive: true);
        AssertFound(locator.Locate(Descriptor), DatasetLocationSource.SystemPackage, Path.Combine(system, "toy"));

        Directory.Delete(Path.Combine(system, "toy"), recursive: true);
        AssertFound(locator.Locate(Descriptor), DatasetLocationSource.UserCache, Path.Combine(cache, "toy"));
        locator.GetCacheDirectory(Descriptor).Should().Be(Path.Combine(cache, "toy"));

        File.Delete(Path.Combine(cache, "toy", "t10k-labels-idx1-ubyte.gz")); // an incomplete folder does not count
        var missing = locator.Locate(Descriptor);
        missing.Found.Should().BeFalse();
        missing.Source.Should().Be(DatasetLocationSource.NotFound);
        missing.SearchedDirectories.Should().Equal(Path.Combine(env, "toy"), Path.Combine(system, "toy"), Path.Combine(cache, "toy"));
    }

    [Fact]
    public void A_data_folder_outside_a_clone_of_the_repository_is_ignored()
    {
        using var temp = new TempDirectory();
        Synthetic.WriteTo(temp.Combine("planted", "data", "toy"), gzip: true); // e.g. /tmp/data/<id> above a working folder
        string deep = temp.Combine("planted", "work", "bin");
        Directory.CreateDirectory(deep);
        var locator = new DatasetLocator(_ => null, [deep], temp.Combine("cache"), systemDatasetsRoot: string.Empty);
        locator.Locate(Descriptor).Found.Should().BeFalse("only the data folder of a clone (beside Mnist.sln) counts");

        File.WriteAllText(temp.Combine("planted", "Mnist.sln"), string.Empty);
        locator.Locate(Descriptor).Source.Should().Be(DatasetLocationSource.Repository);
    }

    [Fact]
    public void The_default_locator_searches_the_linux_system_dataset_folder_and_an_empty_root_switches_it_off()
    {
        new DatasetLocator().SystemDatasetsRoot.Should().Be(OperatingSystem.IsLinux() ? "/usr/share/datasets" : null);
        new DatasetLocator(systemDatasetsRoot: string.Empty).SystemDatasetsRoot.Should().BeNull();
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
            .WithMessage($"Synthetic toy was not found. Looked for train-images-idx3-ubyte[.gz]*in: {temp.Combine("empty")}. Put the files in one of those folders, set MNIST_DATA_ROOT to a folder holding a 'toy' subfolder with them, or download them (MnistDataset.LoadSplitsAsync; the Mnist.Train app: --download).");
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
