using TorchSharp;
using Mnist.Models;
using static TorchSharp.torch;

namespace Mnist.Models;

/// <summary>
/// A layer over any tensor function (Keras <c>Lambda</c>). Its output shape is inferred by running it once on zeros.
/// Models containing it can save and load weights but not whole-model files (code cannot be serialised).
/// </summary>
public sealed class LambdaLayer : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="function">Maps a batch (batch dimension first) to a batch; must not keep references to its input.</param>
    /// <param name="name">Layer name, or automatic.</param>
    public LambdaLayer(Func<Tensor, Tensor> function, string? name = null)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(function);
        Function = function;
    }

    /// <summary>The wrapped function.</summary>
    public Func<Tensor, Tensor> Function { get; }

    /// <inheritdoc />
    public override string TypeName => "Lambda";

    /// <inheritdoc />
    public override TensorShape ComputeOutputShape(TensorShape input) => ShapeProbe.Probe(TypeName, input, () => new LambdaModule(Function));

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(TensorShape input, bool includeTrailingActivation = true) => new LambdaModule(Function);
}
