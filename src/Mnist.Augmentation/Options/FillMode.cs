namespace Mnist.Augmentation;

/// <summary>
/// How output pixels whose source position falls outside the input image are filled (Keras <c>fill_mode</c>).
/// For an input row <c>a b c d</c> the modes extend it as shown.
/// </summary>
public enum FillMode
{
    /// <summary>Repeat the edge pixel: <c>a a a | a b c d | d d d</c>. The Keras default.</summary>
    Nearest = 0,

    /// <summary>
    /// Use <see cref="AugmentationOptions.FillValue"/> wherever the source position lies outside the input
    /// (scipy's <c>constant</c>: no interpolation across the border): <c>k k k | a b c d | k k k</c>.
    /// </summary>
    Constant = 1,

    /// <summary>Mirror about the outer edge of the border pixel (half-sample symmetric): <c>c b a | a b c d | d c b</c>.</summary>
    Reflect = 2,

    /// <summary>Tile the image periodically: <c>b c d | a b c d | a b c</c>.</summary>
    Wrap = 3,
}
