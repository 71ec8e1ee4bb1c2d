namespace Mnist.Augmentation;

/// <summary>How the input is sampled at non-integer positions (scipy's spline <c>order</c> as Keras uses it).</summary>
public enum Interpolation
{
    /// <summary>Bilinear interpolation of the four neighbouring pixels (order 1, the Keras default).</summary>
    Bilinear = 0,

    /// <summary>The nearest pixel (order 0).</summary>
    Nearest = 1,
}
