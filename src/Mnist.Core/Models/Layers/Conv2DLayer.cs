using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Models;

/// <summary>2-D convolution (Keras <c>Conv2D</c>), with Glorot-uniform weights and zero biases like Keras.</summary>
public sealed class Conv2DLayer : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="filters">Number of output channels.</param>
    /// <param name="kernelSize">Square kernel size in pixels.</param>
    /// <param name="stride">Stride in pixels (default 1).</param>
    /// <param name="padding">Valid (default, Keras' default) or same.</param>
    /// <param name="activation">Activation applied after the convolution (default none).</param>
    /// <param name="useBias">Whether the convolution has a bias (default true).</param>
    /// <param name="name">Layer name, or automatic.</param>
    public Conv2DLayer(int filters, int kernelSize, int stride = 1, ConvPadding padding = ConvPadding.Valid, Activation activation = Activation.None, bool useBias = true, string? name = null)
        : base(name)
    {
        Guard.MustBePositive(filters);
        Guard.MustBePositive(kernelSize);
        Guard.MustBePositive(stride);
        Guard.MustBeDefined(padding);
        Guard.MustBeDefined(activation);
        Filters = filters;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        Activation = activation;
        UseBias = useBias;
    }

    /// <summary>Number of output channels.</summary>
    public int Filters { get; }

    /// <summary>Square kernel size in pixels.</summary>
    public int KernelSize { get; }

    /// <summary>Stride in pixels.</summary>
    public int Stride { get; }

    /// <summary>Padding mode.</summary>
    public ConvPadding Padding { get; }

    /// <summary>Activation after the convolution.</summary>
    public Activation Activation { get; }

    /// <summary>Whether the convolution has a bias.</summary>
    public bool UseBias { get; }

    /// <inheritdoc />
    public override string TypeName => "Conv2D";

    /// <inheritdoc />
    public override Activation TrailingActivation => Activation;

    /// <inheritdoc />
    public override TensorShape ComputeOutputShape(TensorShape input)
    {
        RequireImage(input);
        return new TensorShape(Filters, OutputSize(input[1]), OutputSize(input[2]));
    }

    private int OutputSize(int size)
    {
        if (Padding == ConvPadding.Same) return (int)(((long)size + Stride - 1) / Stride);
        if (KernelSize > size)
            throw Invalid($"Conv2D kernel {KernelSize}×{KernelSize} is larger than its {size}-pixel input with valid padding; use a smaller kernel, ConvPadding.Same, or less pooling before it.");
        return (size - KernelSize) / Stride + 1;
    }

    /// <summary>Keras' "same" padding before and after one axis (64-bit: a huge kernel or stride cannot overflow).</summary>
    private static (long Before, long After) SamePadding(int size, int kernel, int stride)
    {
        long output = ((long)size + stride - 1) / stride;
        long total = Math.Max((output - 1) * stride + kernel - size, 0);
        return (total / 2, total - total / 2);
    }

    /// <summary>The padding of each side for <paramref name="input"/>, and whether it needs a separate (asymmetric) pad module.</summary>
    private (long Top, long Bottom, long Left, long Right, bool Asymmetric) PaddingFor(TensorShape input)
    {
        if (Padding != ConvPadding.Same) return (0, 0, 0, 0, false);
        var (top, bottom) = SamePadding(input[1], KernelSize, Stride);
        var (left, right) = SamePadding(input[2], KernelSize, Stride);
        return (top, bottom, left, right, !(top == bottom && left == right && top == left));
    }

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(TensorShape input, bool includeTrailingActivation = true)
    {
        int channels = input[0];
        nn.Module<Tensor, Tensor>? pad = null;
        long symmetric = 0;
        var (top, bottom, left, right, asymmetric) = PaddingFor(input);
        if (asymmetric) pad = nn.ZeroPad2d((left, right, top, bottom));
        else symmetric = top;

        var conv = nn.Conv2d(channels, Filters, KernelSize, stride: Stride, padding: symmetric, bias: UseBias);
        using (no_grad())
        {
            nn.init.xavier_uniform_(conv.weight!);
            if (conv.bias is not null) nn.init.zeros_(conv.bias);
        }

        return ActivationModules.Chain(("pad", pad), ("conv", conv), ("act", includeTrailingActivation ? ActivationModules.Create(Activation) : null));
    }

    /// <inheritdoc />
    public override IReadOnlyList<StateTensor> ExpectedState(TensorShape input, bool includeTrailingActivation)
    {
        bool chained = PaddingFor(input).Asymmetric || (includeTrailingActivation && Activation != Activation.None);
        string prefix = chained ? "conv." : string.Empty;
        var state = new List<StateTensor>(2) { new(prefix + "weight", [Filters, input[0], KernelSize, KernelSize], ScalarType.Float32) };
        if (UseBias) state.Add(new StateTensor(prefix + "bias", [Filters], ScalarType.Float32));
        return state;
    }

    /// <summary>The padded input (with "same" padding) and the unfolded patches LibTorch's CPU convolution may build (channels × kernel² × output pixels).</summary>
    internal override long WorkingElements(TensorShape input, TensorShape output)
    {
        var (top, bottom, left, right, _) = PaddingFor(input);
        long padded = checked(input[0] * (input[1] + top + bottom) * (input[2] + left + right));
        long patches = checked((long)input[0] * KernelSize * KernelSize * output[1] * output[2]);
        return Math.Max(padded, patches);
    }

    /// <inheritdoc />
    public override JsonObject GetConfig() => new()
    {
        ["filters"] = Filters, ["kernelSize"] = KernelSize, ["stride"] = Stride, ["padding"] = Padding.ToString(),
        ["activation"] = Activation.ToString(), ["useBias"] = UseBias,
    };
}
