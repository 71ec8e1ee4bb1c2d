namespace Mnist.Ensemble;

/// <summary>
/// An ensemble folder cannot be loaded (or saved over): the manifest is missing, corrupt or of another version, or member
/// files are missing, altered or inconsistent. <see cref="Problems"/> names every problem found, each with the file concerned.
/// </summary>
public sealed class EnsembleFileException : MnistFileException
{
    /// <summary>Creates the exception for one problem.</summary>
    /// <param name="path">The ensemble folder.</param>
    /// <param name="problem">What is wrong.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public EnsembleFileException(string path, string problem, Exception? innerException = null)
        : this(path, [problem], innerException)
    {
    }

    /// <summary>Creates the exception for several problems.</summary>
    /// <param name="path">The ensemble folder.</param>
    /// <param name="problems">What is wrong (at least one).</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public EnsembleFileException(string path, IReadOnlyList<string> problems, Exception? innerException = null)
        : base(path, Describe(path, problems), innerException)
    {
        Path = path;
        Problems = problems.ToArray();
    }

    /// <summary>The ensemble folder concerned.</summary>
    public string Path { get; }

    /// <summary>Every problem found, e.g. <c>member-2.mnistmodel is missing</c>.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string Describe(string path, IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (problems.Count == 0) throw new ArgumentException("At least one problem must be named.", nameof(problems));
        return problems.Count == 1
            ? $"Ensemble folder '{path}': {problems[0]}"
            : $"Ensemble folder '{path}' has {problems.Count} problems:{Environment.NewLine}- " + string.Join(Environment.NewLine + "- ", problems);
    }
}
