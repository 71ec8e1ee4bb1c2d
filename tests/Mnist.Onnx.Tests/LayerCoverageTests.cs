using Mnist.Models;
using Mnist.Onnx.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mnist.Onnx.Tests;

/// <summary>Every built-in layer kind and setting, exported and compared with TorchSharp on 1,000 MNIST test images.</summary>
public sealed class LayerCoverageTests(ITestOutputHelper output)
{
    /// <summary>
    /// One network with every layer kind: the normaliser; convolutions with same padding (symmetric and both asymmetric
    /// cases: stride 2 with an odd kernel, stride 1 with an even kernel), valid padding with stride 2 and no bias; batch
    /// norm over channels, height, width (−1) and features; overlapping max pooling and average pooling; every activation
    /// (ReLU, ELU, Tanh, GELU, Sigmoid, LeakyReLU, LogSoftmax, None, and a final stand-alone Softmax, which the model strips
    /// to train on logits); flatten, dense, dropout.
    /// </summary>
    private static SequentialBuilder EveryLayer() =>
        Sequential.Input(1, 28, 28)
            .Normalize(TestData.Normalizer)
            .Conv2D(6, 3, Activation.ReLU, ConvPadding.Same)                 // 6×28×28, pads 1/1
            .BatchNorm(momentum: 0.9)                                         // channels (BatchNorm2d)
            .Conv2D(8, 3, Activation.ELU, ConvPadding.Same, stride: 2)       // 8×14×14, pads 0 before / 1 after
            .BatchNorm(axis: 2, momentum: 0.9, epsilon: 1e-5)                 // height (14 features)
            .MaxPool2D(3, stride: 1)                                          // 8×12×12, overlapping windows
            .Conv2D(8, 4, Activation.Tanh, ConvPadding.Same)                 // 8×12×12, pads 1 before / 2 after
            .BatchNorm(axis: -1, momentum: 0.9)                               // width (12 features), Keras 1's default axis
            .Conv2D(10, 3, Activation.GELU, ConvPadding.Valid, stride: 2, useBias: false) // 10×5×5
            .AvgPool2D(2, stride: 1)                                          // 10×4×4
            .Conv2D(12, 2, Activation.Sigmoid)                                // 12×3×3
            .Flatten()                                                        // 108, channel-height-width order
            .BatchNorm(momentum: 0.9)                                         // features (BatchNorm1d)
            .Dense(32, Activation.LeakyReLU)
            .Dropout(0.3)
            .Dense(24, Activation.LogSoftmax)
            .Activation(Activation.None)
            .Dense(16, useBias: false)
            .Activation(Activation.GELU)
            .Dense(10)
            .Activation(Activation.Softmax);

    [Fact]
    public void A_network_with_every_layer_kind_agrees_with_TorchSharp()
    {
        using var model = Trainer.Trained(EveryLayer(), seed: 21, images: 512);
        model.EndsWithSoftmax.Should().BeTrue();
        model.ShouldHaveTrainedBatchNormStatistics();
        using var dir = new TempDirectory();
        string path = dir.File("every-layer.onnx");
        model.ExportOnnx(path);
        Agreement.Compare(model, path, output, "every layer kind").ShouldAgree();
    }

    [Theory]
    [InlineData(1, 1, ConvPadding.Valid)]
    [InlineData(2, 2, ConvPadding.Valid)]
    [InlineData(5, 3, ConvPadding.Valid)]
    [InlineData(3, 1, ConvPadding.Same)]
    [InlineData(3, 2, ConvPadding.Same)]
    [InlineData(4, 1, ConvPadding.Same)]
    [InlineData(4, 3, ConvPadding.Same)]
    [InlineData(5, 3, ConvPadding.Same)]
    public void Convolutions_agree_for_every_padding_and_stride(int kernel, int stride, ConvPadding padding)
    {
        var builder = Sequential.Input(1, 28, 28).Normalize(TestData.Normalizer)
            .Conv2D(4, kernel, Activation.ReLU, padding, stride)
            .Conv2D(4, kernel, Activation.None, padding, stride)
            .Flatten().Dense(10, Activation.Softmax);
        using var model = Trainer.Trained(builder, seed: 22, images: 256);
        ExportAndCompare(model, $"conv k{kernel} s{stride} {padding}");
    }

    [Theory]
    [InlineData(PoolingKind.Max, 2, 2)]
    [InlineData(PoolingKind.Max, 3, 2)]
    [InlineData(PoolingKind.Max, 5, 3)]
    [InlineData(PoolingKind.Average, 2, 2)]
    [InlineData(PoolingKind.Average, 3, 1)]
    [InlineData(PoolingKind.Average, 5, 3)]
    public void Pooling_agrees_for_every_window_and_stride(PoolingKind kind, int window, int stride)
    {
        var builder = Sequential.Input(1, 28, 28).Normalize(TestData.Normalizer).Conv2D(4, 3, Activation.ReLU);
        builder = kind == PoolingKind.Max ? builder.MaxPool2D(window, stride) : builder.AvgPool2D(window, stride);
        builder.Flatten().Dense(10, Activation.Softmax);
        using var model = Trainer.Trained(builder, seed: 23, images: 256);
        ExportAndCompare(model, $"{kind} pool {window}/{stride}");
    }

    [Theory]
    [InlineData(null)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(-1)]
    [InlineData(-2)]
    [InlineData(-3)]
    public void Batch_norm_agrees_over_every_axis_of_an_image(int? axis)
    {
        var builder = Sequential.Input(1, 28, 28).Normalize(TestData.Normalizer)
            .Conv2D(4, 3, Activation.ReLU).MaxPool2D()
            .BatchNorm(axis, momentum: 0.8, epsilon: 1e-3)
            .Flatten().BatchNorm(axis: -1, momentum: 0.8).Dense(10, Activation.Softmax);
        using var model = Trainer.Trained(builder, seed: 24, images: 256);
        model.ShouldHaveTrainedBatchNormStatistics();
        ExportAndCompare(model, $"batch norm axis {axis?.ToString() ?? "default"}");
    }

    [Theory]
    [InlineData(Activation.None)]
    [InlineData(Activation.LogSoftmax)]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.ReLU)]
    public void A_model_that_does_not_end_in_softmax_still_exports_PredictProba_s_softmax(Activation final)
    {
        // PredictProba applies softmax to the network's output; a final (log-)softmax is stripped first, any other activation is kept.
        var builder = Sequential.Input(1, 28, 28).Normalize(TestData.Normalizer).AvgPool2D(4).Flatten().Dense(10, final);
        using var model = Trainer.Trained(builder, seed: 25, images: 256);
        ExportAndCompare(model, $"final activation {final}");
    }

    private void ExportAndCompare(SequentialModel model, string label)
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.onnx");
        model.ExportOnnx(path);
        Agreement.Compare(model, path, output, label).ShouldAgree();
    }
}
