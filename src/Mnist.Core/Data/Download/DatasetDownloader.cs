using System.Globalization;

namespace Mnist.Data;

/// <summary>
/// Downloads dataset files from their mirrors and verifies them before they become visible.
/// </summary>
/// <remarks>
/// <para>For each file, the mirrors of the <see cref="DatasetDescriptor"/> are tried in order (each
/// <see cref="DatasetDownloaderOptions.AttemptsPerMirror"/> times). A response is streamed to a hidden temporary file
/// in the target folder, checked with <see cref="DatasetIntegrity"/> — the SHA-256 of the <em>decompressed</em> content
/// when the catalogue knows it (so re-compressed mirrors are accepted), else the published SHA-256 of the .gz, else a
/// size/format check — and only then renamed atomically to <see cref="DatasetFile.DownloadName"/>. A failed, corrupt,
/// truncated or cancelled download deletes its temporary file and leaves nothing behind.</para>
/// <para>When every mirror fails, <see cref="DatasetDownloadException"/> lists each URL with its reason. Cancellation
/// throws <see cref="OperationCanceledException"/> at once, without trying further mirrors.</para>
/// </remarks>
public sealed class DatasetDownloader : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttpClient;
    private readonly DatasetDownloaderOptions _options;

    /// <summary>Creates a downloader.</summary>
    /// <param name="httpClient">The client to use (not disposed by the downloader); a private one when null.</param>
    /// <param name="options">Settings; defaults when null. Copied and validated.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public DatasetDownloader(HttpClient? httpClient = null, DatasetDownloaderOptions? options = null)
    {
        _options = (options ?? new DatasetDownloaderOptions()).Clone();
        _options.Validate();
        _ownsHttpClient = httpClient is null;
        _http = httpClient ?? new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>
    /// Makes sure <paramref name="targetDirectory"/> holds all four files of <paramref name="dataset"/>: files already
    /// present (plain or .gz) that pass the integrity check are kept, the others are downloaded.
    /// </summary>
    /// <param name="dataset">The dataset, with its mirrors.</param>
    /// <param name="targetDirectory">The folder to fill; created if missing.</param>
    /// <param name="progress">Receives progress reports; may be null.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <returns><paramref name="targetDirectory"/> as a full path.</returns>
    /// <exception cref="DatasetDownloadException">A file could not be fetched and verified from any mirror.</exception>
    public async Task<string> DownloadAsync(DatasetDescriptor dataset, string targetDirectory, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentException.ThrowIfNullOrEmpty(targetDirectory);
        string directory = Path.GetFullPath(targetDirectory);
        foreach (var file in dataset.Files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (DatasetLocator.FindFile(directory, file) is { } existing && DatasetIntegrity.FindProblem(file, existing) is null) continue;
            await DownloadFileAsync(dataset.Mirrors, file, directory, progress, cancellationToken).ConfigureAwait(false);
        }

        return directory;
    }

    /// <summary>Downloads one file from the first mirror that serves a verified copy.</summary>
    /// <param name="mirrors">Base URLs tried in order; each serves <see cref="DatasetFile.DownloadName"/>.</param>
    /// <param name="file">The file and its checksums.</param>
    /// <param name="targetDirectory">The folder to write into; created if missing.</param>
    /// <param name="progress">Receives progress reports; may be null.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <returns>The full path of the verified file (<see cref="DatasetFile.DownloadName"/> in the target folder).</returns>
    /// <exception cref="DatasetDownloadException">Every mirror failed; the message names each mirror and reason.</exception>
    public async Task<string> DownloadFileAsync(IReadOnlyList<Uri> mirrors, DatasetFile file, string targetDirectory, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mirrors);
        ArgumentNullException.ThrowIfNull(file);
        ArgumentException.ThrowIfNullOrEmpty(targetDirectory);
        string directory = Path.GetFullPath(targetDirectory);
        Directory.CreateDirectory(directory);
        string destination = Path.Combine(directory, file.DownloadName);
        var failures = new List<MirrorFailure>();

        foreach (var mirror in mirrors)
        {
            var url = new Uri(mirror, file.DownloadName);
            for (int attempt = 0; attempt < _options.AttemptsPerMirror; attempt++)
            {
                string temporary = Path.Combine(directory, $".{file.DownloadName}.{Guid.NewGuid():N}.partial");
                try
                {
                    string? problem = await TryDownloadAsync(url, file, temporary, progress, cancellationToken).ConfigureAwait(false);
                    if (problem is null)
                    {
                        File.Move(temporary, destination, overwrite: true);
                        return destination;
                    }

                    failures.Add(new MirrorFailure(url, problem));
                }
                finally
                {
                    TryDelete(temporary);
                }
            }
        }

        throw new DatasetDownloadException(file.DownloadName, failures);
    }

    /// <summary>Disposes the private <see cref="HttpClient"/>, if the downloader created one.</summary>
    public void Dispose()
    {
        if (_ownsHttpClient) _http.Dispose();
    }

    /// <summary>Downloads <paramref name="url"/> to <paramref name="temporary"/> and verifies it; returns null on success, else the reason.</summary>
    private async Task<string?> TryDownloadAsync(Uri url, DatasetFile file, string temporary, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.AttemptTimeout);
        try
        {
            using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return $"HTTP {(int)response.StatusCode} ({response.ReasonPhrase ?? response.StatusCode.ToString()})";
            }

            long? announced = response.Content.Headers.ContentLength;
            if (announced > _options.MaxDownloadBytes) return $"the server announced {Bytes(announced.Value)} bytes, more than the limit of {Bytes(_options.MaxDownloadBytes)}";

            long received = 0;
            var source = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            await using (source.ConfigureAwait(false))
            {
                var target = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                await using (target.ConfigureAwait(false))
                {
                    byte[] buffer = new byte[1 << 16];
                    long lastReported = 0;
                    progress?.Report(new DownloadProgress(file.DownloadName, url, 0, announced));
                    while (true)
                    {
                        int n = await source.ReadAsync(buffer, timeout.Token).ConfigureAwait(false);
                        if (n == 0) break;
                        received += n;
                        if (received > _options.MaxDownloadBytes) return $"the response exceeded the limit of {Bytes(_options.MaxDownloadBytes)} bytes";
                        await target.WriteAsync(buffer.AsMemory(0, n), timeout.Token).ConfigureAwait(false);
                        if (received - lastReported >= _options.ProgressIntervalBytes)
                        {
                            lastReported = received;
                            progress?.Report(new DownloadProgress(file.DownloadName, url, received, announced));
                        }
                    }

                    if (lastReported != received) progress?.Report(new DownloadProgress(file.DownloadName, url, received, announced));
                }
            }

            if (announced is { } expected && received != expected)
            {
                return $"truncated: received {Bytes(received)} of {Bytes(expected)} bytes";
            }

            return DatasetIntegrity.FindProblem(file, temporary) is { } problem ? $"verification failed: {problem}" : null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"timed out after {_options.AttemptTimeout}";
        }
        catch (HttpRequestException ex)
        {
            return $"request failed: {Describe(ex)}";
        }
        catch (IOException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return $"transfer failed: {Describe(ex)}";
        }
    }

    private static string Describe(Exception ex) => ex.InnerException is { } inner && inner.Message != ex.Message ? $"{ex.Message} ({inner.Message})" : ex.Message;

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: the temporary name is hidden and unique, so a leftover never shadows a real file.
        }
    }

    private static string Bytes(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
