using System.Globalization;

namespace Mnist.Onnx;

/// <summary>One dimension of a graph input or output: a fixed size, a symbolic name (e.g. the batch dimension <c>N</c>), or unknown.</summary>
/// <param name="Size">The fixed size, or <see langword="null"/>.</param>
/// <param name="Symbol">The symbolic name, or <see langword="null"/>.</param>
public readonly record struct OnnxDimension(long? Size, string? Symbol)
{
    /// <summary>The size, the symbol, or <c>?</c> when the dimension is unknown.</summary>
    public override string ToString() => Size?.ToString(CultureInfo.InvariantCulture) ?? Symbol ?? "?";
}

/// <summary>A graph input or output as an ONNX file declares it.</summary>
/// <param name="Name">The tensor name, e.g. <c>images</c>.</param>
/// <param name="ElementType">The element type in ONNX's lower-case spelling, e.g. <c>float</c>; <c>sequence</c>, <c>map</c>, <c>optional</c> or <c>sparse_tensor</c> for non-tensor values, <c>unknown</c> when undeclared.</param>
/// <param name="Shape">The dimensions (empty when the file declares none).</param>
public sealed record OnnxTensorInfo(string Name, string ElementType, IReadOnlyList<OnnxDimension> Shape)
{
    /// <summary>E.g. <c>images: float[N, 1, 28, 28]</c>.</summary>
    public override string ToString() => $"{Name}: {ElementType}[{string.Join(", ", Shape)}]";
}
