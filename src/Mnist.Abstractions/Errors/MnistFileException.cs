namespace Mnist;

/// <summary>
/// A file or folder the library read is not valid: corrupt, truncated, hostile, too large for the limits, or not what it
/// claims to be. The base of the library's file errors — <c>IdxFormatException</c>, <c>DatasetIntegrityException</c>,
/// <c>ModelFileException</c>, Mnist.Ensemble's <c>EnsembleFileException</c> and the ONNX packages' file errors — so an application catches one type for
/// "bad input file". The BCL's own <see cref="InvalidDataException"/> (which System.IO.Compression throws for a corrupt
/// zip or gzip) is sealed, so this family derives from <see cref="Exception"/>, and it is deliberately not an
/// <see cref="IOException"/>: an <see cref="IOException"/> from the library means the environment failed (disk,
/// network, permissions), not the input. Missing files are <see cref="FileNotFoundException"/>s (e.g.
/// <c>DatasetNotFoundException</c>), not this.
/// </summary>
public abstract class MnistFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="filePath">The file or folder that is not valid.</param>
    /// <param name="message">What is wrong and, where it helps, what to do; should name the file.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    protected MnistFileException(string filePath, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        FilePath = filePath;
    }

    /// <summary>The file or folder that is not valid.</summary>
    public string FilePath { get; }
}
