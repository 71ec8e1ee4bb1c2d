namespace Mnist.Models;

/// <summary>Convolution padding, as Keras' <c>padding</c> (Keras 1: <c>border_mode</c>).</summary>
public enum ConvPadding
{
    /// <summary>No padding: the output shrinks by kernel − 1 (Keras "valid", the default).</summary>
    Valid = 0,
    /// <summary>Zero padding so that output size = ceil(input / stride) (Keras "same"; extra padding goes right/bottom).</summary>
    Same,
}
