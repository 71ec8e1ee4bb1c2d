namespace Mnist.OnnxRuntime;

/// <summary>
/// An <c>.onnx</c> file cannot serve as a classifier: it is not ONNX, is corrupt or truncated, exceeds
/// <see cref="OnnxClassifierOptions.MaxFileBytes"/>, or its graph does not take images and return class probabilities
/// (the message says which input or output and what was expected). One of the library's file errors
/// (<see cref="MnistFileException"/>); the message names the file.
/// </summary>
public sealed class OnnxModelFileException : MnistFileException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="filePath">The file.</param>
    /// <param name="problem">What is wrong (the file path is prefixed).</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public OnnxModelFileException(string filePath, string problem, Exception? innerException = null)
        : base(filePath, $"{filePath}: {problem}", innerException)
    {
    }
}
