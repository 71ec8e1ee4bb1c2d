using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Models;

/// <summary>A stand-alone activation (Keras <c>Activation</c>).</summary>
public sealed class ActivationLayer : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="activation">The function; <see cref="Models.Activation.None"/> is the identity.</param>
    /// <param name="name">Layer name, or automatic.</param>
    public ActivationLayer(Activation activation, string? name = null)
        : base(name)
    {
        Guard.MustBeDefined(activation);
        Activation = activation;
    }

    /// <summary>The function.</summary>
    public Activation Activation { get; }

    /// <inheritdoc />
    public override string TypeName => "Activation";

    /// <inheritdoc />
    public override Activation TrailingActivation => Activation;

    /// <inheritdoc />
    public override TensorShape ComputeOutputShape(TensorShape input)
    {
        if (Activation is Activation.Softmax or Activation.LogSoftmax && input.Rank != 1)
            throw Invalid($"{Activation} works over features and needs a 1-D input but gets {input}; add Flatten() and Dense(…) before it.");
        return input;
    }

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(TensorShape input, bool includeTrailingActivation = true) =>
        (includeTrailingActivation ? ActivationModules.Create(Activation) : null) ?? nn.Identity();

    /// <inheritdoc />
    public override IReadOnlyList<StateTensor> ExpectedState(TensorShape input, bool includeTrailingActivation) => [];

    /// <inheritdoc />
    public override JsonObject GetConfig() => new() { ["activation"] = Activation.ToString() };
}
