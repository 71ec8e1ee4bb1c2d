using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Models;

/// <summary>Randomly zeroes a fraction of the inputs while training (Keras <c>Dropout</c>); identity at inference.</summary>
public sealed class DropoutLayer : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="rate">Fraction of inputs dropped, in [0, 1).</param>
    /// <param name="name">Layer name, or automatic.</param>
    public DropoutLayer(double rate, string? name = null)
        : base(name)
    {
        Guard.MustBeInRangeExclusiveMax(rate, 0, 1);
        Rate = rate;
    }

    /// <summary>Fraction of inputs dropped while training.</summary>
    public double Rate { get; }

    /// <inheritdoc />
    public override string TypeName => "Dropout";

    /// <inheritdoc />
    public override TensorShape ComputeOutputShape(TensorShape input) => input;

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(TensorShape input, bool includeTrailingActivation = true) => nn.Dropout(Rate);

    /// <inheritdoc />
    public override IReadOnlyList<StateTensor> ExpectedState(TensorShape input, bool includeTrailingActivation) => [];

    /// <inheritdoc />
    public override JsonObject GetConfig() => new() { ["rate"] = Rate };
}
