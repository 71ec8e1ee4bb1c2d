using System.Text.Json.Nodes;
using Mnist.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Models;

/// <summary>
/// Batch normalisation (Keras <c>BatchNormalization</c>). By default it normalises the channel axis of images (and the
/// feature axis of vectors). <see cref="Axis"/> takes a Keras-style axis that counts the batch dimension: 1 = channels,
/// −1 = last axis. Keras 1 with Theano ordering defaulted to −1, which normalises the image <em>width</em>.
/// </summary>
public sealed class BatchNormLayer : Layer
{
    /// <summary>Keras' default momentum of the moving statistics (0.99).</summary>
    public const double DefaultMomentum = 0.99;

    /// <summary>The default epsilon of Keras ≥ 1.2 and Keras 2 (0.001); Keras 1.1, the notebook's, used 1e-5.</summary>
    public const double DefaultEpsilon = 1e-3;

    /// <summary>Creates the layer.</summary>
    /// <param name="axis">Keras-style axis including the batch dimension (1 = channels, −1 = last); <see langword="null"/> = channels/features.</param>
    /// <param name="momentum">Keras-convention momentum of the moving mean/variance in [0, 1) (default 0.99; PyTorch's momentum is 1 − this).</param>
    /// <param name="epsilon">Added to the variance (default 0.001).</param>
    /// <param name="name">Layer name, or automatic.</param>
    public BatchNormLayer(int? axis = null, double momentum = DefaultMomentum, double epsilon = DefaultEpsilon, string? name = null)
        : base(name)
    {
        if (axis == 0) throw new ArgumentOutOfRangeException(nameof(axis), axis, "axis 0 is the batch dimension and cannot be normalised.");
        Guard.MustBeInRangeExclusiveMax(momentum, 0, 1);
        Guard.MustBeFinitePositive(epsilon);
        Axis = axis;
        Momentum = momentum;
        Epsilon = epsilon;
    }

    /// <summary>Keras-style axis (counting the batch dimension), or <see langword="null"/> for channels/features.</summary>
    public int? Axis { get; }

    /// <summary>Keras-convention momentum of the moving statistics.</summary>
    public double Momentum { get; }

    /// <summary>Added to the variance.</summary>
    public double Epsilon { get; }

    /// <inheritdoc />
    public override string TypeName => "BatchNormalization";

    /// <summary>The normalised axis of the full (batch-first) tensor for <paramref name="input"/>.</summary>
    private int ResolveAxis(TensorShape input)
    {
        int rank = input.Rank + 1;
        int axis = Axis ?? 1;
        int resolved = axis < 0 ? rank + axis : axis;
        if (resolved <= 0 || resolved >= rank)
            throw Invalid($"BatchNormalization axis {axis} does not exist for input {input} (valid: 1..{rank - 1} or -1..-{rank - 1}).");
        return resolved;
    }

    /// <inheritdoc />
    public override TensorShape ComputeOutputShape(TensorShape input)
    {
        ResolveAxis(input);
        return input;
    }

    /// <summary>Number of normalised features (each has a trainable scale and shift) for <paramref name="input"/>.</summary>
    public int FeatureCount(TensorShape input) => input[ResolveAxis(input) - 1];

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(TensorShape input, bool includeTrailingActivation = true)
    {
        int axis = ResolveAxis(input);
        int features = input[axis - 1];
        double torchMomentum = 1 - Momentum;
        if (axis == 1 && input.Rank == 3) return nn.BatchNorm2d(features, eps: Epsilon, momentum: torchMomentum);
        if (axis == 1 && input.Rank == 1) return nn.BatchNorm1d(features, eps: Epsilon, momentum: torchMomentum);
        return new AxisBatchNorm(axis, features, Epsilon, torchMomentum);
    }

    /// <inheritdoc />
    public override IReadOnlyList<StateTensor> ExpectedState(TensorShape input, bool includeTrailingActivation)
    {
        int axis = ResolveAxis(input);
        long features = input[axis - 1];
        string prefix = axis == 1 && (input.Rank is 3 or 1) ? string.Empty : "bn.";
        return
        [
            new(prefix + "weight", [features], ScalarType.Float32),
            new(prefix + "bias", [features], ScalarType.Float32),
            new(prefix + "running_mean", [features], ScalarType.Float32),
            new(prefix + "running_var", [features], ScalarType.Float32),
            new(prefix + "num_batches_tracked", [], ScalarType.Int64),
        ];
    }

    /// <inheritdoc />
    public override JsonObject GetConfig() => new() { ["axis"] = Axis, ["momentum"] = Momentum, ["epsilon"] = Epsilon };
}
