using Mnist.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Tests.Models;

public sealed class BuilderValidationTests
{
    [Fact]
    public void Dense_on_an_image_without_Flatten_names_the_layer_the_shape_and_the_fix()
    {
        var builder = Sequential.Input(1, 28, 28).Conv2D(8, 3).Dense(10);
        var act = () => builder.Build();
        act.Should().Throw<ModelBuildException>()
            .WithMessage("*Layer 2 'dense_1' (Dense)*(None, 8, 26, 26)*Flatten()*");
    }

    [Fact]
    public void A_kernel_larger_than_its_input_is_reported_with_both_sizes()
    {
        var builder = Sequential.Input(1, 28, 28).MaxPool2D(4).MaxPool2D(4).Conv2D(8, 3, name: "too_big");
        builder.Invoking(b => b.Build()).Should().Throw<ModelBuildException>()
            .WithMessage("*'too_big' (Conv2D)*(None, 1, 1, 1)*kernel 3×3 is larger than its 1-pixel input*");
    }

    [Fact]
    public void Pooling_larger_than_input_and_bad_batchnorm_axis_are_reported()
    {
        Sequential.Input(1, 2, 2).MaxPool2D(3).Invoking(b => b.ResolveShapes()).Should().Throw<ModelBuildException>().WithMessage("*MaxPooling2D window 3×3*");
        Sequential.Input(1, 4, 4).BatchNorm(axis: 5).Invoking(b => b.ResolveShapes()).Should().Throw<ModelBuildException>().WithMessage("*axis 5 does not exist*");
    }

    [Fact]
    public void Duplicate_names_and_empty_models_are_rejected()
    {
        Sequential.Input(1, 4, 4).Flatten("x").Dense(2, name: "x").Invoking(b => b.Build()).Should().Throw<ModelBuildException>().WithMessage("*'x' is used by another layer*");
        Sequential.Input(1, 4, 4).Invoking(b => b.Build()).Should().Throw<ModelBuildException>().WithMessage("*no layers*");
    }

    [Fact]
    public void Invalid_layer_arguments_name_the_option()
    {
        var b = Sequential.Input(1, 28, 28);
        b.Invoking(x => x.Conv2D(0, 3)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("filters");
        b.Invoking(x => x.Dropout(1.0)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("rate");
        b.Invoking(x => x.Dense(-1)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("units");
        b.Invoking(x => x.BatchNorm(momentum: double.NaN)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("momentum");
        b.Invoking(x => x.Normalize(0f, 0f)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("standardDeviation");
        b.Invoking(x => x.Flatten("has space")).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Same_padding_follows_keras_output_sizes_including_strides_and_even_kernels()
    {
        var shapes = Sequential.Input(1, 7, 7)
            .Conv2D(2, 3, padding: ConvPadding.Same)            // 7
            .Conv2D(2, 4, padding: ConvPadding.Same)            // 7 (asymmetric padding)
            .Conv2D(2, 3, padding: ConvPadding.Same, stride: 2) // ceil(7/2) = 4
            .Conv2D(2, 2, stride: 2)                        // valid: (4-2)/2+1 = 2
            .ResolveShapes();
        shapes.Select(s => s.Output.ToString()).Should().Equal("(None, 2, 7, 7)", "(None, 2, 7, 7)", "(None, 2, 4, 4)", "(None, 2, 2, 2)");

        using var model = Sequential.Input(1, 7, 7).Conv2D(2, 3, padding: ConvPadding.Same).Conv2D(2, 4, padding: ConvPadding.Same).Conv2D(2, 3, padding: ConvPadding.Same, stride: 2).Conv2D(2, 2, stride: 2).Flatten().Build();
        using var y = model.Network.forward(torch.zeros(3, 1, 7, 7));
        y.shape.Should().Equal(3L, 8L);
    }

    [Fact]
    public void Same_padding_convolution_equals_a_manually_padded_reference()
    {
        using var model = Sequential.Input(1, 6, 6).Conv2D(1, 4, padding: ConvPadding.Same, useBias: false).Build(new ModelOptions { Seed = 3 });
        var conv = model.Network.parameters().Single();
        using var x = torch.rand(2, 1, 6, 6, generator: new Generator(5));
        using var actual = model.Network.forward(x);
        // Keras/TensorFlow "same" with an even kernel pads 1 before and 2 after.
        using var padded = nn.functional.pad(x, [1, 2, 1, 2]);
        using var expected = nn.functional.conv2d(padded, conv);
        actual.allclose(expected, rtol: 1e-5, atol: 1e-6).Should().BeTrue();
    }

    [Fact]
    public void Lambda_and_module_layers_infer_shapes_and_count_parameters()
    {
        using var model = Sequential.Input(1, 8, 8)
            .Lambda(t => t.mul(2), name: "double_it")
            .Module(shape => nn.Conv2d(shape[0], 5, 3), "TorchConv")
            .Flatten()
            .Dense(3)
            .Build();
        model.Layers[0].OutputShape.ToString().Should().Be("(None, 1, 8, 8)");
        model.Layers[1].OutputShape.ToString().Should().Be("(None, 5, 6, 6)");
        model.Layers[1].TrainableParameters.Should().Be(3 * 3 * 5 + 5);
        model.Layers[1].TypeName.Should().Be("TorchConv");
    }

    [Fact]
    public void Asking_for_cuda_without_it_is_a_clear_error()
    {
        var act = () => Sequential.Input(1, 4, 4).Flatten().Dense(2).Build(new ModelOptions { Device = DeviceType.CUDA });
        act.Should().Throw<TorchRuntimeException>().WithMessage("*CUDA was requested but is not available*");
    }
}
