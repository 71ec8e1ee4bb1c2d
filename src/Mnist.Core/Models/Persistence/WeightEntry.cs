using static TorchSharp.torch;

namespace Mnist.Models;

/// <summary>One tensor listed in a TorchSharp weights file.</summary>
/// <param name="Name">State-dict name, e.g. <c>conv2d_1.conv.weight</c>.</param>
/// <param name="DataType">Element type.</param>
/// <param name="Shape">Dimensions.</param>
internal sealed record WeightEntry(string Name, ScalarType DataType, long[] Shape)
{
    /// <summary>Dimensions as text, e.g. (32, 1, 3, 3).</summary>
    public string ShapeText => "(" + string.Join(", ", Shape) + ")";
}
