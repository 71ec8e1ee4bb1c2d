namespace Mnist.Data;

/// <summary>
/// Thrown when bytes that should be an IDX file (plain or gzip-compressed) are not one, or when an image file and a
/// label file do not belong together. The message names the file and the problem, e.g.
/// "'train-images-idx3-ubyte.gz' declares 60000×28×28 u8 = 47,040,000 bytes but holds 1,000,000".
/// </summary>
public sealed class IdxFormatException : MnistFileException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="source">The file path or display name of the offending data.</param>
    /// <param name="problem">What is wrong, phrased to follow the quoted source name (e.g. "is empty").</param>
    /// <param name="innerException">The underlying error (e.g. a corrupt gzip stream), if any.</param>
    public IdxFormatException(string source, string problem, Exception? innerException = null)
        : base(source, $"'{source}' {problem}", innerException)
    {
        Source = source;
        Problem = problem;
    }

    /// <summary>The file path or display name of the offending data.</summary>
    public new string Source { get; }

    /// <summary>The problem alone, without the source name.</summary>
    public string Problem { get; }
}
