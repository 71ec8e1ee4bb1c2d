namespace Mnist.Preprocessing;

/// <summary>
/// Whether <see cref="DigitImagePreprocessor"/> inverts an image so that the digit becomes light ink on a black background,
/// as in MNIST.
/// </summary>
public enum DigitInversion
{
    /// <summary>
    /// Decide from the image: when the mean luminance of its border frame is above mid-grey (127.5) the image is taken to be
    /// dark ink on a light background (a scan, a photo of paper, a drawing program's default) and is inverted.
    /// </summary>
    Auto = 0,

    /// <summary>Always invert: the image is dark ink on a light background.</summary>
    Always = 1,

    /// <summary>Never invert: the image is already light ink on a dark background, like MNIST itself.</summary>
    Never = 2,
}
