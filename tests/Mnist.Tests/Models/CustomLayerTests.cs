using System.Text.Json.Nodes;
using Mnist.Data;
using Mnist.Models;
using Mnist.Tests.Data;
using Mnist.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Tests.Models;

/// <summary>A user-defined layer: a learnable scale per channel, initialised to a configurable value.</summary>
public sealed class ChannelScaleLayer : Layer
{
    public ChannelScaleLayer(float initial, string? name = null)
        : base(name)
    {
        if (!float.IsFinite(initial)) throw new ArgumentOutOfRangeException(nameof(initial), initial, "The initial scale must be finite.");
        Initial = initial;
    }

    public float Initial { get; }

    public override string TypeName => "ChannelScale";

    public static CustomLayers Registration => CustomLayers.Empty.Add("ChannelScale", (name, config) => new ChannelScaleLayer(config["initial"]!.GetValue<float>(), name));

    public override TensorShape ComputeOutputShape(TensorShape input) => RequireImage(input);

    public override nn.Module<Tensor, Tensor> CreateModule(TensorShape input, bool includeTrailingActivation = true) => new ChannelScaleModule(input[0], Initial);

    public override IReadOnlyList<StateTensor> ExpectedState(TensorShape input, bool includeTrailingActivation) => [new StateTensor("scale", [input[0]], ScalarType.Float32)];

    public override JsonObject GetConfig() => new() { ["initial"] = Initial };

    private sealed class ChannelScaleModule : nn.Module<Tensor, Tensor>
    {
#pragma warning disable IDE1006 // TorchSharp names the parameter after the field.
        private readonly TorchSharp.Modules.Parameter scale;
#pragma warning restore IDE1006

        public ChannelScaleModule(int channels, float initial)
            : base("ChannelScale")
        {
            scale = nn.Parameter(full(channels, initial));
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => input * scale.view(1, -1, 1, 1);
    }
}

public sealed class CustomLayerTests : IClassFixture<MnistTrainingSetFixture>, IDisposable
{
    private readonly MnistTrainingSetFixture _mnist;
    private readonly string _dir = Directory.CreateTempSubdirectory("mnist-custom-").FullName;

    public CustomLayerTests(MnistTrainingSetFixture mnist) => _mnist = mnist;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private SequentialModel TrainedWithScale()
    {
        var train = _mnist.Train.Slice(0, 256);
        var model = Sequential.Input(1, 28, 28).Normalize(33f, 78f).Conv2D(4, 3, Activation.ReLU).Add(new ChannelScaleLayer(0.5f)).Flatten().Dense(10, Activation.Softmax)
            .Build(new ModelOptions { Seed = 3 });
        model.Compile(new AdamOptions());
        model.Fit(train.Batches(64, shuffle: true, seed: 3));
        return model;
    }


    [Fact]
    public void A_trained_custom_layer_round_trips_with_its_registration()
    {
        var test = _mnist.Test.Slice(0, 50);
        using var original = TrainedWithScale();
        string scaleName = original.Layers.Single(l => l.Layer is ChannelScaleLayer).Name + ".scale";
        using (var weights = original.GetWeights())
        {
            weights.GetValues(scaleName).Should().HaveCount(4).And.Contain(v => v != 0.5f, "four Adam steps move the scale");
        }

        string path = Path.Combine(_dir, "scaled.mnistmodel");
        original.Save(path);
        using var loaded = SequentialModel.Load(path, customLayers: ChannelScaleLayer.Registration);

        loaded.Layers[2].Layer.Should().BeOfType<ChannelScaleLayer>().Which.Initial.Should().Be(0.5f);
        loaded.Summary().ToString().Should().Be(original.Summary().ToString());
        loaded.PredictProba(test).ToArray().Should().Equal(original.PredictProba(test).ToArray());
    }

    [Fact]
    public void Loading_without_the_registration_names_the_type_and_how_to_register_it()
    {
        using var original = TrainedWithScale();
        string path = Path.Combine(_dir, "scaled.mnistmodel");
        original.Save(path);

        var act = () => SequentialModel.Load(path);

        act.Should().Throw<ModelFileException>().WithMessage("*'ChannelScale'*neither built in nor registered*CustomLayers.Empty.Add(\"ChannelScale\"*");
    }

    [Theory]
    [InlineData("\"initial\": \"lots\"")]
    [InlineData("\"initial\": null")]
    [InlineData("\"initial\": 1e39")]
    [InlineData("\"initial\": [0.5]")]
    public void A_hostile_custom_configuration_is_a_model_file_error(string replacement)
    {
        using var original = TrainedWithScale();
        string path = Path.Combine(_dir, "scaled.mnistmodel");
        original.Save(path);
        ModelFileEditing.RewriteModelJson(path, json => System.Text.RegularExpressions.Regex.Replace(json, "\"initial\": [^,}\\n]+", replacement));

        var act = () => SequentialModel.Load(path, customLayers: ChannelScaleLayer.Registration);

        act.Should().Throw<ModelFileException>().WithMessage("*ChannelScale*");
    }

    [Fact]
    public void A_custom_layer_counts_towards_the_load_limits()
    {
        using var original = TrainedWithScale();
        string path = Path.Combine(_dir, "scaled.mnistmodel");
        original.Save(path);
        long stored = original.Network.state_dict().Values.Sum(t => t.numel());

        SequentialModel.Load(path, limits: new ModelLoadLimits { MaxParameters = stored }, customLayers: ChannelScaleLayer.Registration).Dispose();
        var act = () => SequentialModel.Load(path, limits: new ModelLoadLimits { MaxParameters = stored - 1 }, customLayers: ChannelScaleLayer.Registration);

        act.Should().Throw<ModelFileException>().WithMessage($"*stores {stored:N0} values*MaxParameters*");
    }

    [Fact]
    public void A_factory_must_keep_the_stored_type_and_name()
    {
        using var original = TrainedWithScale();
        string path = Path.Combine(_dir, "scaled.mnistmodel");
        original.Save(path);
        var wrongName = CustomLayers.Empty.Add("ChannelScale", (_, config) => new ChannelScaleLayer(1f, "other"));

        var act = () => SequentialModel.Load(path, customLayers: wrongName);

        act.Should().Throw<ModelFileException>().WithMessage("*must keep the stored type and name*");
    }

    [Fact]
    public void The_registry_is_immutable_and_refuses_built_in_and_duplicate_names()
    {
        var one = ChannelScaleLayer.Registration;
        var two = one.Add("Other", (name, _) => new ChannelScaleLayer(1f, name));

        one.TypeNames.Should().Equal("ChannelScale");
        two.TypeNames.Should().BeEquivalentTo(["ChannelScale", "Other"]);
        CustomLayers.Empty.TypeNames.Should().BeEmpty();
        FluentActions.Invoking(() => CustomLayers.Empty.Add("Dense", (name, _) => new ChannelScaleLayer(1f, name)))
            .Should().Throw<ArgumentException>().WithMessage("*built-in*");
        FluentActions.Invoking(() => one.Add("ChannelScale", (name, _) => new ChannelScaleLayer(1f, name)))
            .Should().Throw<ArgumentException>().WithMessage("*already registered*");
    }

    [Fact]
    public void A_custom_layer_with_a_built_in_type_name_cannot_be_saved()
    {
        using var model = Sequential.Input(1, 28, 28).Add(new Impostor()).Flatten().Dense(10).Build(new ModelOptions { Seed = 1 });

        var act = () => model.Save(Path.Combine(_dir, "impostor.mnistmodel"));

        act.Should().Throw<NotSupportedException>().WithMessage("*built-in type name 'Dropout'*");
    }

    private sealed class Impostor() : Layer(null)
    {
        public override string TypeName => "Dropout";

        public override TensorShape ComputeOutputShape(TensorShape input) => input;

        public override nn.Module<Tensor, Tensor> CreateModule(TensorShape input, bool includeTrailingActivation = true) => nn.Identity();

        public override IReadOnlyList<StateTensor> ExpectedState(TensorShape input, bool includeTrailingActivation) => [];

        public override JsonObject GetConfig() => new() { ["rate"] = 0.5 };
    }
}
