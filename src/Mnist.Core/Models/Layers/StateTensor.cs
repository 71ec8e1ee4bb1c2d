using static TorchSharp.torch;

namespace Mnist.Models;

/// <summary>
/// One tensor that a layer's module stores in its state dictionary (a parameter or a buffer), described from the layer's
/// configuration alone, before any tensor is created.
/// </summary>
/// <param name="Name">Name relative to the layer, e.g. <c>conv.weight</c>; the model prefixes the layer name.</param>
/// <param name="Shape">Dimensions (empty for a scalar).</param>
/// <param name="DataType">Element type.</param>
public sealed record StateTensor(string Name, long[] Shape, ScalarType DataType)
{
    /// <summary>Number of values; throws <see cref="OverflowException"/> when they do not fit a 64-bit count.</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, d) => checked(a * d));

    /// <summary>Dimensions as text, e.g. (32, 1, 3, 3).</summary>
    public string ShapeText => "(" + string.Join(", ", Shape) + ")";
}
