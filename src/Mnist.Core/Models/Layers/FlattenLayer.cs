using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Models;

/// <summary>Flattens each sample to a feature vector (Keras <c>Flatten</c>), in channel-height-width order.</summary>
public sealed class FlattenLayer : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="name">Layer name, or automatic.</param>
    public FlattenLayer(string? name = null)
        : base(name)
    {
    }

    /// <inheritdoc />
    public override string TypeName => "Flatten";

    /// <inheritdoc />
    public override TensorShape ComputeOutputShape(TensorShape input)
    {
        if (input.ElementCount > int.MaxValue)
            throw Invalid($"Flatten of {input} gives {input.ElementCount:N0} features, more than a feature vector can hold ({int.MaxValue:N0}).");
        return new TensorShape((int)input.ElementCount);
    }

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(TensorShape input, bool includeTrailingActivation = true) => nn.Flatten();

    /// <inheritdoc />
    public override IReadOnlyList<StateTensor> ExpectedState(TensorShape input, bool includeTrailingActivation) => [];

    /// <inheritdoc />
    public override JsonObject GetConfig() => new();
}
