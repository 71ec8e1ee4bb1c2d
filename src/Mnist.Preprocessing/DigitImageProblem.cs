namespace Mnist.Preprocessing;

/// <summary>Why <see cref="DigitImagePreprocessor"/> could not turn an image into an MNIST-style digit.</summary>
public enum DigitImageProblem
{
    /// <summary>The file could not be read (missing, access denied, I/O error).</summary>
    Unreadable = 0,

    /// <summary>The bytes are not an image in a supported format (PNG, JPEG, BMP, GIF, TIFF, TGA, PBM, WebP) or are corrupt.</summary>
    Undecodable = 1,

    /// <summary>The file or the image's declared size exceeds a limit of <see cref="DigitPreprocessingOptions"/>; nothing was decoded.</summary>
    TooLarge = 2,

    /// <summary>The image holds no ink: every pixel is within the ink threshold of the background level.</summary>
    Blank = 3,
}
