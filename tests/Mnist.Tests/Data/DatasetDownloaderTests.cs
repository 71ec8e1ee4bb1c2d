using Mnist.Data;

namespace Mnist.Tests.Data;

/// <summary>Downloader behaviour against a real HTTP server on 127.0.0.1 started by each test.</summary>
public sealed class DatasetDownloaderTests : IDisposable
{
    private static readonly SyntheticDataset Synthetic = IdxTestWriter.Synthetic(30, 10, seed: 3);

    private readonly LoopbackHttpServer _server = new();
    private readonly TempDirectory _temp = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public void Dispose()
    {
        _http.Dispose();
        _server.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task A_good_file_is_verified_and_becomes_visible_with_progress_reported()
    {
        byte[] gz = IdxTestWriter.Gzip(Synthetic.TrainImages);
        _server.Routes["/good/train-images-idx3-ubyte.gz"] = CannedResponse.Ok(gz);
        var descriptor = Synthetic.Descriptor("toy", _server.Mirror("good"));
        var reports = new List<DownloadProgress>();
        using var downloader = new DatasetDownloader(_http, new DatasetDownloaderOptions { ProgressIntervalBytes = 1000 });

        string path = await downloader.DownloadFileAsync(descriptor.Mirrors, descriptor.TrainImages, _temp.Path, new SyncProgress(reports.Add));

        path.Should().Be(_temp.Combine("train-images-idx3-ubyte.gz"));
        File.ReadAllBytes(path).Should().Equal(gz);
        Directory.GetFiles(_temp.Path).Should().Equal(path);
        reports.Should().HaveCountGreaterThanOrEqualTo(2, "the start and the end are always reported (intermediate ones depend on how the bytes arrive)");
        reports[0].BytesReceived.Should().Be(0);
        reports[^1].BytesReceived.Should().Be(gz.Length);
        reports[^1].Fraction.Should().Be(1.0);
        reports.Select(r => r.BytesReceived).Should().BeInAscendingOrder();
        reports.Should().OnlyContain(r => r.FileName == "train-images-idx3-ubyte.gz" && r.TotalBytes == gz.Length && r.Source == new Uri(_server.Mirror("good"), "train-images-idx3-ubyte.gz"));
    }

    [Fact]
    public async Task Corrupt_truncated_and_missing_files_fall_through_to_the_next_mirror()
    {
        byte[] gz = IdxTestWriter.Gzip(Synthetic.TrainLabels);
        byte[] corrupt = IdxTestWriter.Gzip([.. Synthetic.TrainLabels[..^1], (byte)(Synthetic.TrainLabels[^1] ^ 1)]);
        _server.Routes["/corrupt/train-labels-idx1-ubyte.gz"] = CannedResponse.Ok(corrupt);
        _server.Routes["/truncated/train-labels-idx1-ubyte.gz"] = new CannedResponse(200, "OK", gz[..(gz.Length / 2)], DeclaredLength: gz.Length);
        _server.Routes["/good/train-labels-idx1-ubyte.gz"] = CannedResponse.Ok(gz);
        var mirrors = new[] { _server.Mirror("missing"), _server.Mirror("corrupt"), _server.Mirror("truncated"), _server.Mirror("good") };
        var descriptor = Synthetic.Descriptor("toy", mirrors);
        using var downloader = new DatasetDownloader(_http);

        string path = await downloader.DownloadFileAsync(descriptor.Mirrors, descriptor.TrainLabels, _temp.Path);

        File.ReadAllBytes(path).Should().Equal(gz);
        Directory.GetFiles(_temp.Path).Should().Equal(path);
        _server.Requests.Should().Equal(
            "/missing/train-labels-idx1-ubyte.gz", "/corrupt/train-labels-idx1-ubyte.gz", "/truncated/train-labels-idx1-ubyte.gz", "/good/train-labels-idx1-ubyte.gz");
    }

    [Fact]
    public async Task When_every_mirror_fails_nothing_is_left_behind_and_each_mirror_and_reason_is_named()
    {
        byte[] gz = IdxTestWriter.Gzip(Synthetic.TestImages);
        byte[] corrupt = IdxTestWriter.Gzip(IdxTestWriter.Synthetic(30, 10, seed: 99).TestImages);
        _server.Routes["/corrupt/t10k-images-idx3-ubyte.gz"] = CannedResponse.Ok(corrupt);
        _server.Routes["/truncated/t10k-images-idx3-ubyte.gz"] = new CannedResponse(200, "OK", gz[..100], DeclaredLength: gz.Length);
        _server.Routes["/notgzip/t10k-images-idx3-ubyte.gz"] = CannedResponse.Ok([0x1F, 0x8B, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        var mirrors = new[] { _server.Mirror("missing"), _server.Mirror("corrupt"), _server.Mirror("truncated"), _server.Mirror("notgzip") };
        var descriptor = Synthetic.Descriptor("toy", mirrors);
        using var downloader = new DatasetDownloader(_http, new DatasetDownloaderOptions { AttemptsPerMirror = 2 });

        var act = () => downloader.DownloadFileAsync(descriptor.Mirrors, descriptor.TestImages, _temp.Path);

        var error = (await act.Should().ThrowAsync<DatasetDownloadException>()).Which;
        error.FileName.Should().Be("t10k-images-idx3-ubyte.gz");
        error.Failures.Should().HaveCount(8, "two attempts on each of four mirrors");
        error.Failures.Select(f => f.Source.AbsolutePath).Distinct().Should().Equal(mirrors.Select(m => m.AbsolutePath + "t10k-images-idx3-ubyte.gz"));
        error.Failures[0].Reason.Should().Be("HTTP 404 (Not Found)");
        error.Failures[2].Reason.Should().StartWith("verification failed: the SHA-256 of the uncompressed content of").And.Contain($"expected {descriptor.TestImages.Sha256}");
        error.Failures[4].Reason.Should().MatchRegex("truncated|transfer failed|request failed");
        error.Failures[6].Reason.Should().Contain("not a valid gzip stream");
        error.Message.Should().Contain(_server.Mirror("missing") + "t10k-images-idx3-ubyte.gz: HTTP 404 (Not Found)");
        Directory.GetFileSystemEntries(_temp.Path).Should().BeEmpty("failed downloads leave nothing behind");
    }

    [Fact]
    public async Task Cancellation_stops_at_once_and_leaves_nothing_behind()
    {
        byte[] gz = IdxTestWriter.Gzip(Synthetic.TrainImages);
        _server.Routes["/slow/train-images-idx3-ubyte.gz"] = new CannedResponse(200, "OK", gz, StallAfterBytes: 1000);
        _server.Routes["/good/train-images-idx3-ubyte.gz"] = CannedResponse.Ok(gz);
        var descriptor = Synthetic.Descriptor("toy", _server.Mirror("slow"), _server.Mirror("good"));
        using var cancel = new CancellationTokenSource();
        using var downloader = new DatasetDownloader(_http, new DatasetDownloaderOptions { ProgressIntervalBytes = 1 });
        var progress = new SyncProgress(p =>
        {
            if (p.BytesReceived > 0) cancel.Cancel();
        });

        var act = () => downloader.DownloadFileAsync(descriptor.Mirrors, descriptor.TrainImages, _temp.Path, progress, cancel.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        Directory.GetFileSystemEntries(_temp.Path).Should().BeEmpty();
        _server.Requests.Should().Equal("/slow/train-images-idx3-ubyte.gz");
    }

    [Fact]
    public async Task An_attempt_that_times_out_moves_on_to_the_next_mirror()
    {
        byte[] gz = IdxTestWriter.Gzip(Synthetic.TestLabels);
        _server.Routes["/slow/t10k-labels-idx1-ubyte.gz"] = new CannedResponse(200, "OK", gz, StallAfterBytes: 10);
        _server.Routes["/good/t10k-labels-idx1-ubyte.gz"] = CannedResponse.Ok(gz);
        var descriptor = Synthetic.Descriptor("toy", _server.Mirror("slow"), _server.Mirror("good"));
        using var downloader = new DatasetDownloader(_http, new DatasetDownloaderOptions { AttemptTimeout = TimeSpan.FromSeconds(2) });

        string path = await downloader.DownloadFileAsync(descriptor.Mirrors, descriptor.TestLabels, _temp.Path);

        File.ReadAllBytes(path).Should().Equal(gz);
    }

    [Fact]
    public async Task LoadSplitsAsync_downloads_a_missing_dataset_into_the_cache_and_loads_it()
    {
        foreach (var (name, content) in Synthetic.Files) _server.Routes[$"/mirror/{name}.gz"] = CannedResponse.Ok(IdxTestWriter.Gzip(content));
        var descriptor = Synthetic.Descriptor("toy", _server.Mirror("mirror"));
        var locator = new DatasetLocator(_ => null, [], _temp.Combine("cache"));
        using var downloader = new DatasetDownloader(_http);

        var splits = await MnistDataset.LoadSplitsAsync(descriptor, locator: locator, downloader: downloader);

        splits.Directory.Should().Be(_temp.Combine("cache", "toy"));
        splits.Train.Count.Should().Be(30);
        splits.Test.Count.Should().Be(10);
        splits.Train.Pixels.ToArray().Should().Equal(Synthetic.TrainImages[16..]);
        locator.Locate(descriptor).Source.Should().Be(DatasetLocationSource.UserCache);

        // A second call finds the cache and makes no request; DownloadAsync keeps verified files.
        int requests = _server.Requests.Count;
        (await MnistDataset.LoadSplitsAsync(descriptor, locator: locator, downloader: downloader)).Test.Count.Should().Be(10);
        await downloader.DownloadAsync(descriptor, _temp.Combine("cache", "toy"));
        _server.Requests.Count.Should().Be(requests);
    }

    [Fact]
    public void Options_are_validated()
    {
        FluentActions.Invoking(() => new DatasetDownloader(_http, new DatasetDownloaderOptions { AttemptsPerMirror = 0 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("AttemptsPerMirror");
        FluentActions.Invoking(() => new DatasetDownloader(_http, new DatasetDownloaderOptions { AttemptTimeout = TimeSpan.Zero }))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("AttemptTimeout");
        FluentActions.Invoking(() => new DatasetDownloader(_http, new DatasetDownloaderOptions { MaxDownloadBytes = 0 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("MaxDownloadBytes");
    }

    [Fact]
    public async Task Responses_over_the_size_limit_are_refused()
    {
        _server.Routes["/big/t10k-labels-idx1-ubyte.gz"] = CannedResponse.Ok(new byte[5000]);
        var descriptor = Synthetic.Descriptor("toy", _server.Mirror("big"));
        using var downloader = new DatasetDownloader(_http, new DatasetDownloaderOptions { MaxDownloadBytes = 4096 });
        var act = () => downloader.DownloadFileAsync(descriptor.Mirrors, descriptor.TestLabels, _temp.Path);
        (await act.Should().ThrowAsync<DatasetDownloadException>()).Which.Failures.Single().Reason.Should().Contain("more than the limit of 4,096");
        Directory.GetFileSystemEntries(_temp.Path).Should().BeEmpty();
    }

    /// <summary>Reports synchronously (Progress&lt;T&gt; would post to the thread pool and race the assertions).</summary>
    private sealed class SyncProgress(Action<DownloadProgress> report) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => report(value);
    }
}
