namespace Mnist.Models;

/// <summary>A weights or model file is corrupt, truncated, or belongs to another architecture; the message names the file and the first problem.</summary>
public sealed class ModelFileException : MnistFileException
{
    /// <summary>Creates the exception.</summary>
    public ModelFileException(string path, string message, Exception? innerException = null)
        : base(path, $"{path}: {message}", innerException) => Path = path;

    /// <summary>The file concerned.</summary>
    public string Path { get; }
}
