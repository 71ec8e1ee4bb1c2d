namespace Mnist.Web.Classification;

/// <summary>A classifier could not be opened: the path is missing, of an unsupported kind, corrupt or not a digit classifier.</summary>
public sealed class ClassifierLoadException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The path that was to be opened.</param>
    /// <param name="message">What is wrong and, where there is one, what to do.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public ClassifierLoadException(string path, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Path = path;
    }

    /// <summary>The path that was to be opened.</summary>
    public string Path { get; }
}
