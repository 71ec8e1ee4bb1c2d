using Mnist.Models;
using Mnist.Onnx.Protobuf;
using Mnist.Onnx.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mnist.Onnx.Tests;

/// <summary>A model trained in bfloat16 exports its float32 master weights.</summary>
public sealed class BFloat16ExportTests(ITestOutputHelper output)
{
    [Fact]
    public void A_bfloat16_trained_model_exports_float32_weights_that_compute_like_its_float32_master()
    {
        var builder = Sequential.Input(1, 28, 28).Normalize(TestData.Normalizer)
            .Conv2D(8, 3, Activation.ReLU, ConvPadding.Same).BatchNorm(momentum: 0.9).MaxPool2D()
            .Conv2D(16, 3, Activation.ReLU).MaxPool2D().Flatten().Dense(32, Activation.ReLU).Dropout(0.2).Dense(10, Activation.Softmax);
        using var bf16 = Trainer.Trained(builder, seed: 41, images: 512, precision: ComputePrecision.BFloat16);
        bf16.ShouldHaveTrainedBatchNormStatistics();
        using var dir = new TempDirectory();
        string path = dir.File("bf16.onnx");
        bf16.ExportOnnx(path);

        var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        proto.Graph.Initializer.Should().OnlyContain(t => t.DataType == (int)TensorProto.Types.DataType.Float, "bfloat16 training keeps float32 master weights, and those are exported");

        // The reference: the same float32 master weights computing in float32.
        using var float32 = builder.Build(new ModelOptions { Seed = 41 });
        using (var weights = bf16.GetWeights()) float32.SetWeights(weights);
        Agreement.Compare(float32, path, output, "bfloat16-trained model vs its float32 master").ShouldAgree();

        // Against the bfloat16 compute copy itself, only the classes are expected to agree (bfloat16 keeps 8 bits of mantissa).
        var againstBf16 = Agreement.Compare(bf16, path, output, "bfloat16-trained model vs its bfloat16 PredictProba");
        againstBf16.ArgMaxMismatches.Should().BeLessThanOrEqualTo(20, "bfloat16 rounding may flip only near-ties");
    }
}
