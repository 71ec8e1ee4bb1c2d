namespace Mnist.Preprocessing;

/// <summary>
/// An image could not be preprocessed into an MNIST-style digit. The message names the file (when known) and the problem,
/// e.g. <c>"photo.png: the PNG image is 8,000×6,000 pixels (48,000,000 pixels); the limit is 40,000,000 pixels (MaxPixelCount). It was not decoded."</c>.
/// </summary>
public sealed class DigitImageException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="fileName">The file concerned, or <see langword="null"/> for an in-memory image or a stream.</param>
    /// <param name="problem">The kind of problem.</param>
    /// <param name="detail">What exactly is wrong, as a sentence.</param>
    /// <param name="innerException">The underlying decoder or I/O exception, if any.</param>
    public DigitImageException(string? fileName, DigitImageProblem problem, string detail, Exception? innerException = null)
        : base($"{fileName ?? "image"}: {detail}", innerException)
    {
        FileName = fileName;
        Problem = problem;
    }

    /// <summary>The file concerned, or <see langword="null"/> for an in-memory image or a stream.</summary>
    public string? FileName { get; }

    /// <summary>The kind of problem.</summary>
    public DigitImageProblem Problem { get; }
}
