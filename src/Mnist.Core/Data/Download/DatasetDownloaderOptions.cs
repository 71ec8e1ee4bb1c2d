namespace Mnist.Data;

/// <summary>
/// Settings of <see cref="DatasetDownloader"/>; every property has a documented default. Mutable; the downloader clones
/// and validates them when it is created, so later changes do not affect it.
/// </summary>
public sealed class DatasetDownloaderOptions
{
    /// <summary>Attempts per mirror before moving to the next one. Default 1; 1–10.</summary>
    public int AttemptsPerMirror { get; set; } = 1;

    /// <summary>Time allowed for one attempt (connect, download and verify). Default 10 minutes; positive.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Largest accepted download in bytes; a larger (or endless) response is abandoned. Default 256 MiB; positive.</summary>
    public long MaxDownloadBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Minimum bytes between two progress reports (the first and the last are always reported). Default 256 KiB; positive.</summary>
    public int ProgressIntervalBytes { get; set; } = 256 * 1024;

    /// <summary>Throws when a setting is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; <see cref="ArgumentException.ParamName"/> and the message name it.</exception>
    public void Validate()
    {
        if (AttemptsPerMirror is < 1 or > 10)
            throw new ArgumentOutOfRangeException(nameof(AttemptsPerMirror), AttemptsPerMirror, "Must be between 1 and 10.");
        if (AttemptTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(AttemptTimeout), AttemptTimeout, "Must be positive.");
        if (MaxDownloadBytes <= 0)
            throw new ArgumentOutOfRangeException(nameof(MaxDownloadBytes), MaxDownloadBytes, "Must be positive.");
        if (ProgressIntervalBytes <= 0)
            throw new ArgumentOutOfRangeException(nameof(ProgressIntervalBytes), ProgressIntervalBytes, "Must be positive.");
    }

    /// <summary>An independent copy (the options hold only values).</summary>
    public DatasetDownloaderOptions Clone() => (DatasetDownloaderOptions)MemberwiseClone();
}
