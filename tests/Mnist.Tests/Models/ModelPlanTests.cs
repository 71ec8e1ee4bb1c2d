using Mnist.Data;
using Mnist.Models;

namespace Mnist.Tests.Models;

/// <summary>
/// The plan that whole-model loading checks before building (tensor names, shapes, types, counts, sizes) must describe
/// exactly what <see cref="SequentialBuilder.Build"/> creates.
/// </summary>
public sealed class ModelPlanTests
{
    public static TheoryData<string> Architectures() => new(Builders.Keys);

    private static readonly Dictionary<string, Func<SequentialBuilder>> Builders = new()
    {
        ["conv valid, no activation"] = () => Sequential.Input(1, 12, 12).Conv2D(3, 3).Flatten().Dense(4),
        ["conv relu"] = () => Sequential.Input(2, 12, 12).Conv2D(3, 3, Activation.ReLU).Flatten().Dense(4, Activation.ReLU),
        ["conv same symmetric"] = () => Sequential.Input(1, 9, 9).Conv2D(3, 3, padding: ConvPadding.Same).Conv2D(2, 3, Activation.Tanh, ConvPadding.Same, useBias: false).Flatten().Dense(4),
        ["conv same asymmetric"] = () => Sequential.Input(1, 9, 9).Conv2D(3, 4, padding: ConvPadding.Same).Conv2D(2, 4, Activation.ReLU, ConvPadding.Same, stride: 2).Flatten().Dense(4),
        ["batch norm variants"] = () => Sequential.Input(3, 8, 8).BatchNorm().BatchNorm(axis: -1).BatchNorm(axis: 2).Flatten().BatchNorm().BatchNorm(axis: -1).Dense(5, Activation.Softmax),
        ["final activation layer"] = () => Sequential.Input(1, 6, 6).Flatten().Dense(5, useBias: false).Activation(Activation.Softmax),
        ["pools dropout normalize"] = () => Sequential.Input(1, 28, 28).Normalize(33f, 78f).MaxPool2D().AvgPool2D(3, 1).Dropout(0.3).Flatten().Dense(10, Activation.LogSoftmax),
        ["notebook miniNet"] = () => KnownModels.NotebookMiniNet(new Normalizer(33f, 78f)),
        ["improved miniNet"] = () => KnownModels.ImprovedMiniNet(new Normalizer(33f, 78f)),
    };

    [Theory]
    [MemberData(nameof(Architectures))]
    public void The_plan_lists_exactly_the_tensors_the_built_network_stores(string architecture)
    {
        var builder = Builders[architecture]();
        var plan = builder.Plan();
        using var model = builder.Build(new ModelOptions { Seed = 1 });

        var built = model.Network.state_dict().Select(kv => (kv.Key, string.Join(",", kv.Value.shape), kv.Value.dtype)).OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
        var planned = plan.ExpectedState().Select(t => (t.Name, string.Join(",", t.Shape), t.DataType)).OrderBy(t => t.Name, StringComparer.Ordinal).ToList();

        planned.Should().Equal(built);
        plan.StateKnown.Should().BeTrue();
        plan.StateElements.Should().Be(model.Network.state_dict().Values.Sum(t => t.numel()));
        plan.PeakActivationElements.Should().BeGreaterThanOrEqualTo(model.Layers.Max(l => l.OutputShape.ElementCount));
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void The_exact_weights_size_of_the_plan_is_the_size_TorchSharp_writes(string architecture)
    {
        var builder = Builders[architecture]();
        using var model = builder.Build(new ModelOptions { Seed = 1 });
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) model.Network.save(writer);

        TorchSharpWeightsFile.ExactSize(builder.Plan().ExpectedState().Select(t => (t.Name, t.DataType, t.Shape))).Should().Be(stream.Length);
    }

    [Fact]
    public void Code_layers_have_no_planned_state()
    {
        var plan = Sequential.Input(1, 4, 4).Lambda(t => t * 2).Flatten().Dense(2).Plan();
        plan.StateKnown.Should().BeFalse();
    }

    [Fact]
    public void Shapes_and_counts_that_overflow_are_ModelBuildExceptions()
    {
        var flatten = () => Sequential.Input(1, 100_000, 100_000).Flatten().Dense(2).Plan();
        flatten.Should().Throw<ModelBuildException>().WithMessage("*Layer 1 'flatten_1' (Flatten)*more than a feature vector can hold*");

        var conv = () => Sequential.Input(1, 8, 8).Conv2D(int.MaxValue, int.MaxValue, padding: ConvPadding.Same).Plan();
        conv.Should().Throw<ModelBuildException>().WithMessage("*'conv2d_1' (Conv2D)*overflows*");

        var build = () => Sequential.Input(1, 8, 8).Conv2D(int.MaxValue, int.MaxValue, padding: ConvPadding.Same).Build();
        build.Should().Throw<ModelBuildException>();

        var strided = () => Sequential.Input(1, int.MaxValue, 1).Conv2D(1, 1, padding: ConvPadding.Same, stride: int.MaxValue).ResolveShapes();
        strided.Should().NotThrow("(size + stride − 1) / stride is computed in 64 bits");

        var shape = () => new TensorShape(int.MaxValue, int.MaxValue, int.MaxValue);
        shape.Should().Throw<ArgumentException>().WithMessage("*more values than a 64-bit count*");
    }
}
