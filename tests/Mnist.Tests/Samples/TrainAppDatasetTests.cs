using Mnist.Data;
using Mnist.Tests.Data;
using Mnist.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mnist.Tests.Samples;

/// <summary>
/// The Train app as a user runs it (a child process of the built sample), for the dataset options: a missing catalogue
/// dataset is downloaded with <c>--download</c> from a loopback mirror, verified and used; without a network the app
/// says what to do; without <c>--download</c> it points to it.
/// </summary>
public sealed class TrainAppDatasetTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly LoopbackHttpServer _server = new();

    public void Dispose()
    {
        _server.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void Download_fetches_a_missing_catalogue_dataset_from_the_mirror_verifies_it_and_trains_on_it()
    {
        string shipped = Path.Combine(RepoPaths.Root, "data", "fashion-mnist");
        foreach (var file in KnownDatasets.FashionMnist.Files)
            _server.Routes["/fm/" + file.DownloadName] = CannedResponse.Ok(File.ReadAllBytes(Path.Combine(shipped, file.DownloadName)));
        string target = _temp.Combine("downloaded");

        var (code, text) = RunTrain("--dataset", "fashion-mnist", "--download", "--mirror", _server.Mirror("fm").ToString(), "--data", target,
            "--quick", "--members", "1", "--epochs1", "1", "--epochs2", "0", "--augment", "false", "--output", _temp.Combine("out"));

        code.Should().Be(0, text);
        text.Should().Contain($"Fashion-MNIST is not on this machine: downloading it into {target}");
        text.Should().Contain("train-images-idx3-ubyte.gz [=============================>] 100% 26.4/26.4 MB", "a progress line is shown per file");
        text.Should().Contain($"data: {target}");
        _server.Requests.Should().HaveCount(4, "each file is fetched once");
        foreach (var file in KnownDatasets.FashionMnist.Files)
            DatasetIntegrity.Verify(file, Path.Combine(target, file.DownloadName));
        Directory.EnumerateFiles(target, "*.partial", SearchOption.AllDirectories).Should().BeEmpty("downloads are renamed into place");
        File.Exists(_temp.Combine("out", "metrics.json")).Should().BeTrue();
        // The ensemble is also written as one ONNX graph, with the dataset's class names, and its path and size printed.
        string onnx = _temp.Combine("out", "ensemble.onnx");
        var info = Mnist.Onnx.OnnxModelInfo.Read(onnx);
        info.Kind.Should().Be("ensemble");
        info.MemberCount.Should().Be(1);
        info.ClassNames.Should().Equal(KnownDatasets.FashionMnist.ClassNames);
        text.Should().Contain($"onnx: {onnx} ({new FileInfo(onnx).Length.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} bytes, opset 17;");
        text.Should().Contain("metrics.json, ensemble/, ensemble.onnx in ");

        // A second run finds the verified files and downloads nothing.
        var (again, againText) = RunTrain("--dataset", "fashion-mnist", "--download", "--mirror", _server.Mirror("fm").ToString(), "--data", target,
            "--quick", "--members", "1", "--epochs1", "1", "--epochs2", "0", "--augment", "false", "--output", _temp.Combine("out2"));
        again.Should().Be(0, againText);
        againText.Should().NotContain("downloading");
        _server.Requests.Should().HaveCount(4);
    }

    [Fact]
    public void Without_a_network_download_fails_with_one_error_line_that_says_what_to_do_and_leaves_no_partial_files()
    {
        string target = _temp.Combine("nowhere");
        var (code, text) = RunTrain("--dataset", "fashion-mnist", "--download", "--mirror", "http://127.0.0.1:9/", "--data", target, "--output", _temp.Combine("out"));

        code.Should().Be(4, text, "a network failure is an environment failure");
        var errors = text.Split('\n').Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToArray();
        errors.Should().ContainSingle().Which.Should().Contain("Could not download 'train-images-idx3-ubyte.gz'")
            .And.Contain("check the network connection").And.Contain("--mirror");
        text.Should().NotContain("   at ", "no stack trace");
        (Directory.Exists(target) ? Directory.EnumerateFiles(target) : []).Should().BeEmpty();
    }

    [Fact]
    public void A_missing_dataset_without_download_names_the_folders_searched_and_the_download_option()
    {
        string empty = _temp.Combine("empty");
        Directory.CreateDirectory(empty);
        var (code, text) = RunTrain("--dataset", "kmnist", "--data", empty, "--output", _temp.Combine("out"));

        code.Should().Be(3, text, "a missing dataset is a bad input");
        text.Should().Contain($"error: Kuzushiji-MNIST was not found (looked for its four IDX files, plain or .gz, in: {empty})")
            .And.Contain("Run again with --download to fetch it");
        text.Should().NotContain("LoadSplitsAsync", "a command-line user is pointed at the option, not at an API");
    }

    private (int Code, string Output) RunTrain(params string[] args)
    {
        string app = Path.Combine(RepoPaths.Root, "samples", "Mnist.Train", "bin", RepoPaths.Configuration, "net10.0", "Mnist.Train.dll");
        File.Exists(app).Should().BeTrue($"the Train sample is built with the tests ({app})");
        var result = ProcessRunner.Run("dotnet", [app, .. args], _temp.Path, TimeSpan.FromMinutes(5),
            new Dictionary<string, string> { [DatasetLocator.EnvironmentVariableName] = string.Empty });
        output.WriteLine(result.Output);
        return result;
    }
}
