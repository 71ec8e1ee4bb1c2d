using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Models;

/// <summary>2-D max or average pooling (Keras <c>MaxPooling2D</c> / <c>AveragePooling2D</c>), valid padding.</summary>
public sealed class Pool2DLayer : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="kind">Max or average.</param>
    /// <param name="poolSize">Square window in pixels (Keras default 2).</param>
    /// <param name="stride">Stride in pixels; <see langword="null"/> = <paramref name="poolSize"/> (Keras' default).</param>
    /// <param name="name">Layer name, or automatic.</param>
    public Pool2DLayer(PoolingKind kind, int poolSize = 2, int? stride = null, string? name = null)
        : base(name)
    {
        Guard.MustBeDefined(kind);
        Guard.MustBePositive(poolSize);
        if (stride is { } s) Guard.MustBePositive(s);
        Kind = kind;
        PoolSize = poolSize;
        Stride = stride ?? poolSize;
    }

    /// <summary>Max or average.</summary>
    public PoolingKind Kind { get; }

    /// <summary>Square window in pixels.</summary>
    public int PoolSize { get; }

    /// <summary>Stride in pixels.</summary>
    public int Stride { get; }

    /// <inheritdoc />
    public override string TypeName => Kind == PoolingKind.Max ? "MaxPooling2D" : "AveragePooling2D";

    /// <inheritdoc />
    public override TensorShape ComputeOutputShape(TensorShape input)
    {
        RequireImage(input);
        if (PoolSize > input[1] || PoolSize > input[2])
            throw Invalid($"{TypeName} window {PoolSize}×{PoolSize} is larger than its input {input}; remove a pooling layer or use a smaller window.");
        return new TensorShape(input[0], (input[1] - PoolSize) / Stride + 1, (input[2] - PoolSize) / Stride + 1);
    }

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(TensorShape input, bool includeTrailingActivation = true) =>
        Kind == PoolingKind.Max ? nn.MaxPool2d(PoolSize, Stride) : nn.AvgPool2d(PoolSize, Stride);

    /// <inheritdoc />
    public override IReadOnlyList<StateTensor> ExpectedState(TensorShape input, bool includeTrailingActivation) => [];

    /// <inheritdoc />
    public override JsonObject GetConfig() => new() { ["kind"] = Kind.ToString(), ["poolSize"] = PoolSize, ["stride"] = Stride };
}
