using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Models;

/// <summary>Fully connected layer (Keras <c>Dense</c>), with Glorot-uniform weights and zero biases like Keras.</summary>
public sealed class DenseLayer : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="units">Number of output features.</param>
    /// <param name="activation">Activation after the affine map (default none).</param>
    /// <param name="useBias">Whether the layer has a bias (default true).</param>
    /// <param name="name">Layer name, or automatic.</param>
    public DenseLayer(int units, Activation activation = Activation.None, bool useBias = true, string? name = null)
        : base(name)
    {
        Guard.MustBePositive(units);
        Guard.MustBeDefined(activation);
        Units = units;
        Activation = activation;
        UseBias = useBias;
    }

    /// <summary>Number of output features.</summary>
    public int Units { get; }

    /// <summary>Activation after the affine map.</summary>
    public Activation Activation { get; }

    /// <summary>Whether the layer has a bias.</summary>
    public bool UseBias { get; }

    /// <inheritdoc />
    public override string TypeName => "Dense";

    /// <inheritdoc />
    public override Activation TrailingActivation => Activation;

    /// <inheritdoc />
    public override TensorShape ComputeOutputShape(TensorShape input)
    {
        if (input.Rank != 1)
            throw Invalid($"Dense needs a 1-D input (features) but gets {input}; add Flatten() before it.");
        return new TensorShape(Units);
    }

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(TensorShape input, bool includeTrailingActivation = true)
    {
        var linear = nn.Linear(input[0], Units, hasBias: UseBias);
        using (no_grad())
        {
            nn.init.xavier_uniform_(linear.weight!);
            if (linear.bias is not null) nn.init.zeros_(linear.bias);
        }

        return ActivationModules.Chain(("linear", linear), ("act", includeTrailingActivation ? ActivationModules.Create(Activation) : null));
    }

    /// <inheritdoc />
    public override IReadOnlyList<StateTensor> ExpectedState(TensorShape input, bool includeTrailingActivation)
    {
        string prefix = includeTrailingActivation && Activation != Activation.None ? "linear." : string.Empty;
        var state = new List<StateTensor>(2) { new(prefix + "weight", [Units, input[0]], ScalarType.Float32) };
        if (UseBias) state.Add(new StateTensor(prefix + "bias", [Units], ScalarType.Float32));
        return state;
    }

    /// <inheritdoc />
    public override JsonObject GetConfig() => new() { ["units"] = Units, ["activation"] = Activation.ToString(), ["useBias"] = UseBias };
}
