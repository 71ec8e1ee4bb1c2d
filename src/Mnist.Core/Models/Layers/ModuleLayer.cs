using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Models;

/// <summary>
/// Escape hatch: any TorchSharp module as a layer. A factory receives the per-sample input shape, so the module can size
/// itself; the output shape is inferred by running it once on zeros. Its parameters are trained, counted by
/// <c>Summary()</c>, saved and loaded like the built-in layers' (whole-model files are not supported: code cannot be serialised).
/// </summary>
public sealed class ModuleLayer : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="factory">Creates a new module for a per-sample input shape (called once per build, plus once to infer shapes).</param>
    /// <param name="typeName">Type shown by <c>Summary()</c> (default "Module").</param>
    /// <param name="name">Layer name, or automatic.</param>
    public ModuleLayer(Func<TensorShape, nn.Module<Tensor, Tensor>> factory, string typeName = "Module", string? name = null)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentException.ThrowIfNullOrWhiteSpace(typeName);
        Factory = factory;
        TypeName = typeName;
    }

    /// <summary>Creates the module for a per-sample input shape.</summary>
    public Func<TensorShape, nn.Module<Tensor, Tensor>> Factory { get; }

    /// <inheritdoc />
    public override string TypeName { get; }

    /// <inheritdoc />
    public override TensorShape ComputeOutputShape(TensorShape input) => ShapeProbe.Probe(TypeName, input, () => Factory(input));

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(TensorShape input, bool includeTrailingActivation = true) => Factory(input);
}
