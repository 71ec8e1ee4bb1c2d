namespace Mnist.Onnx;

/// <summary>
/// A file given to <see cref="OnnxModelInfo.Read(string, long)"/> is not a valid ONNX model: not ONNX at all (an image,
/// text), corrupt, truncated, or larger than the read limit. Part of the library's bad-input-file family
/// (<see cref="MnistFileException"/>); the message names the file and the problem.
/// </summary>
public sealed class OnnxFileException : MnistFileException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The file (or stream name).</param>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public OnnxFileException(string path, string message, Exception? innerException = null)
        : base(path, $"{path}: {message}", innerException)
    {
    }
}
