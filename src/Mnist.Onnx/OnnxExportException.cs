namespace Mnist.Onnx;

/// <summary>
/// A model (or an ensemble member) holds a layer that has no ONNX form — a <c>Lambda</c> or <c>Module</c> layer, or a
/// custom layer class. The message names the layer (position, name, type) and what to do; nothing is written.
/// </summary>
public sealed class OnnxExportException : NotSupportedException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What cannot be exported and what to do.</param>
    /// <param name="layerPosition">1-based position of the layer in its model.</param>
    /// <param name="layerName">The layer's name, e.g. <c>lambda_1</c>.</param>
    /// <param name="layerType">The layer's type name, e.g. <c>Lambda</c>.</param>
    /// <param name="memberNumber">1-based ensemble member number, or <see langword="null"/> for a single model.</param>
    public OnnxExportException(string message, int layerPosition, string layerName, string layerType, int? memberNumber = null)
        : base(message)
    {
        LayerPosition = layerPosition;
        LayerName = layerName;
        LayerType = layerType;
        MemberNumber = memberNumber;
    }

    /// <summary>1-based position of the layer in its model (as in <c>Summary()</c>, counting from the first added layer).</summary>
    public int LayerPosition { get; }

    /// <summary>The layer's name.</summary>
    public string LayerName { get; }

    /// <summary>The layer's type name (<c>Layer.TypeName</c>).</summary>
    public string LayerType { get; }

    /// <summary>1-based ensemble member number, or <see langword="null"/> when a single model was exported.</summary>
    public int? MemberNumber { get; }
}
