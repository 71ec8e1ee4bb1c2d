namespace Mnist.Data;

/// <summary>Thrown when a copy of a dataset file does not match its catalogue entry (wrong hash, shape or format).</summary>
public sealed class DatasetIntegrityException : MnistFileException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The file that failed the check.</param>
    /// <param name="problem">What did not match.</param>
    public DatasetIntegrityException(string path, string problem)
        : base(path, $"Integrity check failed: {problem}.")
    {
        Path = path;
        Problem = problem;
    }

    /// <summary>The file that failed the check.</summary>
    public string Path { get; }

    /// <summary>What did not match.</summary>
    public string Problem { get; }
}
