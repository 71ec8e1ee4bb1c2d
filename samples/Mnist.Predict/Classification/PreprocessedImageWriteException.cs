namespace Mnist.Predict.Classification;

/// <summary>A preprocessed image could not be written to the <c>--save-preprocessed</c> folder; the message names the file and the reason.</summary>
public sealed class PreprocessedImageWriteException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The PNG file that could not be written (or the folder that could not be created).</param>
    /// <param name="innerException">The I/O error.</param>
    public PreprocessedImageWriteException(string path, Exception innerException)
        : base($"{path}: cannot write the preprocessed image: {innerException?.Message}", innerException)
    {
        Path = path;
    }

    /// <summary>The file or folder concerned.</summary>
    public string Path { get; }
}
