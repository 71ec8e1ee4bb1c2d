namespace Mnist.Data;

/// <summary>Thrown when a file could not be downloaded and verified from any mirror; lists every mirror and its reason.</summary>
public sealed class DatasetDownloadException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="fileName">The file that could not be downloaded.</param>
    /// <param name="failures">One entry per failed attempt, in order.</param>
    public DatasetDownloadException(string fileName, IReadOnlyList<MirrorFailure> failures)
        : base(BuildMessage(fileName, failures))
    {
        FileName = fileName;
        Failures = failures;
    }

    /// <summary>The file that could not be downloaded.</summary>
    public string FileName { get; }

    /// <summary>One entry per failed attempt, in order.</summary>
    public IReadOnlyList<MirrorFailure> Failures { get; }

    private static string BuildMessage(string fileName, IReadOnlyList<MirrorFailure> failures)
    {
        ArgumentNullException.ThrowIfNull(failures);
        return failures.Count == 0
            ? $"Could not download '{fileName}': no mirror is configured."
            : $"Could not download '{fileName}' from any mirror: " + string.Join("; ", failures);
    }
}
