using Mnist.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Models;

/// <summary>The fluent layer vocabulary of <see cref="SequentialBuilder"/> (Keras names, .NET conventions).</summary>
public static class SequentialBuilderExtensions
{
    /// <summary>Adds a 2-D convolution (Keras <c>Conv2D</c>). See <see cref="Conv2DLayer"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="filters">Number of output channels.</param>
    /// <param name="kernelSize">Square kernel size in pixels.</param>
    /// <param name="activation">Activation after the convolution (default none).</param>
    /// <param name="padding">Valid (default) or same.</param>
    /// <param name="stride">Stride in pixels (default 1).</param>
    /// <param name="useBias">Whether to add a bias (default true).</param>
    /// <param name="name">Layer name, or automatic.</param>
    public static SequentialBuilder Conv2D(this SequentialBuilder builder, int filters, int kernelSize, Models.Activation activation = Models.Activation.None, ConvPadding padding = ConvPadding.Valid, int stride = 1, bool useBias = true, string? name = null) =>
        Guarded(builder).Add(new Conv2DLayer(filters, kernelSize, stride, padding, activation, useBias, name));

    /// <summary>
    /// Adds batch normalisation. Default: over channels (images) or features (vectors). <paramref name="axis"/> takes a
    /// Keras-style axis counting the batch dimension (1 = channels, −1 = last axis). See <see cref="BatchNormLayer"/>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="axis">Keras-style axis, or <see langword="null"/> for channels/features.</param>
    /// <param name="momentum">Keras-convention momentum of the moving statistics (default 0.99).</param>
    /// <param name="epsilon">Added to the variance (default 0.001).</param>
    /// <param name="name">Layer name, or automatic.</param>
    public static SequentialBuilder BatchNorm(this SequentialBuilder builder, int? axis = null, double momentum = BatchNormLayer.DefaultMomentum, double epsilon = BatchNormLayer.DefaultEpsilon, string? name = null) =>
        Guarded(builder).Add(new BatchNormLayer(axis, momentum, epsilon, name));

    /// <summary>Adds max pooling (Keras <c>MaxPooling2D</c>, default 2×2 with stride 2).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="poolSize">Square window in pixels (default 2).</param>
    /// <param name="stride">Stride; default = <paramref name="poolSize"/>.</param>
    /// <param name="name">Layer name, or automatic.</param>
    public static SequentialBuilder MaxPool2D(this SequentialBuilder builder, int poolSize = 2, int? stride = null, string? name = null) =>
        Guarded(builder).Add(new Pool2DLayer(PoolingKind.Max, poolSize, stride, name));

    /// <summary>Adds average pooling (Keras <c>AveragePooling2D</c>, default 2×2 with stride 2).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="poolSize">Square window in pixels (default 2).</param>
    /// <param name="stride">Stride; default = <paramref name="poolSize"/>.</param>
    /// <param name="name">Layer name, or automatic.</param>
    public static SequentialBuilder AvgPool2D(this SequentialBuilder builder, int poolSize = 2, int? stride = null, string? name = null) =>
        Guarded(builder).Add(new Pool2DLayer(PoolingKind.Average, poolSize, stride, name));

    /// <summary>Flattens each sample to a vector (Keras <c>Flatten</c>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">Layer name, or automatic.</param>
    public static SequentialBuilder Flatten(this SequentialBuilder builder, string? name = null) =>
        Guarded(builder).Add(new FlattenLayer(name));

    /// <summary>Adds a fully connected layer (Keras <c>Dense</c>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="units">Number of output features.</param>
    /// <param name="activation">Activation (default none).</param>
    /// <param name="useBias">Whether to add a bias (default true).</param>
    /// <param name="name">Layer name, or automatic.</param>
    public static SequentialBuilder Dense(this SequentialBuilder builder, int units, Models.Activation activation = Models.Activation.None, bool useBias = true, string? name = null) =>
        Guarded(builder).Add(new DenseLayer(units, activation, useBias, name));

    /// <summary>Adds dropout (Keras <c>Dropout</c>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="rate">Fraction dropped while training, in [0, 1).</param>
    /// <param name="name">Layer name, or automatic.</param>
    public static SequentialBuilder Dropout(this SequentialBuilder builder, double rate, string? name = null) =>
        Guarded(builder).Add(new DropoutLayer(rate, name));

    /// <summary>Adds a stand-alone activation (Keras <c>Activation</c>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="activation">The function.</param>
    /// <param name="name">Layer name, or automatic.</param>
    public static SequentialBuilder Activation(this SequentialBuilder builder, Models.Activation activation, string? name = null) =>
        Guarded(builder).Add(new ActivationLayer(activation, name));

    /// <summary>Adds (x − mean) / std with fixed statistics (the notebook's <c>Lambda(norm_input)</c>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="mean">Mean to subtract, on the input's scale.</param>
    /// <param name="standardDeviation">Standard deviation to divide by.</param>
    /// <param name="name">Layer name, or automatic.</param>
    public static SequentialBuilder Normalize(this SequentialBuilder builder, float mean, float standardDeviation, string? name = null) =>
        Guarded(builder).Add(new NormalizeLayer(mean, standardDeviation, name));

    /// <summary>Adds (x − mean) / std with a fitted <see cref="Data.Normalizer"/>'s statistics.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="normalizer">Statistics fitted on the training set.</param>
    /// <param name="name">Layer name, or automatic.</param>
    public static SequentialBuilder Normalize(this SequentialBuilder builder, Data.Normalizer normalizer, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(normalizer);
        return Guarded(builder).Add(new NormalizeLayer(normalizer.Mean, normalizer.StandardDeviation, name));
    }

    /// <summary>Adds a layer over any tensor function (Keras <c>Lambda</c>); its output shape is inferred by running it.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="function">Batch in, batch out (batch dimension first).</param>
    /// <param name="name">Layer name, or automatic.</param>
    public static SequentialBuilder Lambda(this SequentialBuilder builder, Func<Tensor, Tensor> function, string? name = null) =>
        Guarded(builder).Add(new LambdaLayer(function, name));

    /// <summary>Adds any TorchSharp module, created for the per-sample input shape by <paramref name="factory"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="factory">Creates the module for the per-sample input shape.</param>
    /// <param name="typeName">Type shown by <c>Summary()</c>.</param>
    /// <param name="name">Layer name, or automatic.</param>
    public static SequentialBuilder Module(this SequentialBuilder builder, Func<TensorShape, nn.Module<Tensor, Tensor>> factory, string typeName = "Module", string? name = null) =>
        Guarded(builder).Add(new ModuleLayer(factory, typeName, name));

    private static SequentialBuilder Guarded(SequentialBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder;
    }
}
