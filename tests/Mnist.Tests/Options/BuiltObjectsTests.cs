using Mnist.Augmentation;
using Mnist.Data;
using Mnist.Ensemble;
using Mnist.Models;
using Mnist.Preprocessing;
using Mnist.Tests.Data;
using Mnist.Tests.Infrastructure;
using Mnist.Training;
using TorchSharp;

namespace Mnist.Tests.Options;

/// <summary>
/// Consumers clone and validate options where they use them: nothing the caller does to its options object afterwards
/// reaches a built model, ensemble, pipeline or fit, and what a built object exposes is a copy or a read-only property.
/// </summary>
public sealed class BuiltObjectsTests
{
    private static SequentialBuilder Net() => Sequential.Input(1, 8, 8).Flatten().Dense(3);

    [Fact]
    public void A_built_model_ignores_later_changes_to_the_callers_options_and_exposes_copies()
    {
        var options = new ModelOptions { Seed = 11, Precision = ComputePrecision.BFloat16 };
        using var model = Net().Build(options);
        options.Seed = 12;
        options.Precision = ComputePrecision.Float32;
        options.Device = DeviceType.CUDA;

        (model.Seed, model.Precision, model.Device.type).Should().Be((11, ComputePrecision.BFloat16, DeviceType.CPU));
        var exposed = model.Options;
        exposed.Should().NotBeSameAs(model.Options, "every read is a new copy");
        exposed.Seed = 99;
        exposed.Precision = ComputePrecision.Float32;
        (model.Options.Seed, model.Options.Precision, model.Seed).Should().Be((11, ComputePrecision.BFloat16, 11));
    }

    [Fact]
    public void A_compiled_model_ignores_later_changes_to_the_optimiser_options()
    {
        var adam = new AdamOptions { LearningRate = 0.02 };
        using var model = Net().Build(new ModelOptions { Seed = 1 });
        model.Compile(adam);
        adam.LearningRate = 0.5;
        adam.Beta1 = 0.1;
        model.OptimizerOptions!.LearningRate.Should().Be(0.02);
        model.LearningRate.Should().BeApproximately(0.02, 1e-12);

        var exposed = (AdamOptions)model.OptimizerOptions!;
        exposed.Beta1 = 0.3;
        ((AdamOptions)model.OptimizerOptions!).Beta1.Should().Be(0.9, "OptimizerOptions is a copy");

        var builderAdam = new AdamOptions { LearningRate = 0.03 };
        var builder = Net().Compile(builderAdam);
        builderAdam.LearningRate = 0.7;
        builder.Optimizer!.LearningRate.Should().Be(0.03);
        builder.Optimizer!.LearningRate = 0.9;
        builder.Optimizer!.LearningRate.Should().Be(0.03, "SequentialBuilder.Optimizer is a copy");
    }

    [Fact]
    public void An_ensemble_builder_and_its_ensembles_ignore_later_changes_to_the_callers_options()
    {
        var options = new EnsembleOptions { MemberCount = 2, Seed = 3, Member = new ModelOptions { Precision = ComputePrecision.BFloat16 } };
        var builder = Net().ToEnsemble(options);
        options.MemberCount = 5;
        options.Seed = 4;
        options.Member.Precision = ComputePrecision.Float32;
        options.Member = new ModelOptions { DeviceIndex = -7 };

        using var ensemble = builder.Build();
        ensemble.Count.Should().Be(2);
        ensemble.Seed.Should().Be(3);
        ensemble.Members.Should().OnlyContain(m => m.Model.Precision == ComputePrecision.BFloat16);

        builder.WithMembers(1).WithSeed(8).WithPrecision(ComputePrecision.Float32);
        ensemble.Count.Should().Be(2, "a built ensemble does not follow its builder");
        using var next = builder.Build();
        (next.Count, next.Seed, next.Members[0].Model.Precision).Should().Be((1, 8, ComputePrecision.Float32));
    }

    [Fact]
    public void Ensemble_Load_takes_the_members_device_and_precision_but_refuses_a_seed()
    {
        using var temp = new TempDirectory();
        string folder = Path.Combine(temp.Path, "ensemble");
        using (var ensemble = Sequential.Input(1, 28, 28).Normalize(33f, 78f).Flatten().Dense(10, Activation.Softmax).ToEnsemble(members: 2, seed: 5).Build())
            ensemble.Save(folder);

        var options = new ModelOptions { Precision = ComputePrecision.BFloat16 };
        using (var loaded = ModelEnsemble.Load(folder, options))
        {
            loaded.Members.Should().OnlyContain(m => m.Model.Precision == ComputePrecision.BFloat16 && m.Model.Seed == m.Seed);
            loaded.Members.Select(m => m.Seed).Should().Equal(ModelEnsemble.MemberSeed(5, 0), ModelEnsemble.MemberSeed(5, 1));
        }

        FluentActions.Invoking(() => ModelEnsemble.Load(folder, new ModelOptions { Seed = 1 }))
            .Should().Throw<ArgumentException>().WithParameterName("options").WithMessage("*seed*manifest*");
        FluentActions.Invoking(() => ModelEnsemble.Load(folder, new ModelOptions { DeviceIndex = -3 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("DeviceIndex");
    }

    [Fact]
    public void A_fit_reads_its_options_once_so_changes_during_the_fit_have_no_effect()
    {
        var train = TestDigits.First(64);
        using var model = Sequential.Input(1, 28, 28).Normalize(33f, 78f).Flatten().Dense(10, Activation.Softmax).Build(new ModelOptions { Seed = 2 });
        model.Compile(new AdamOptions());
        var late = new CountingCallback();
        var callbacks = new List<Callback>();
        var options = new FitOptions { Epochs = 2, Callbacks = callbacks };
        callbacks.Add(new ActionCallback(() =>
        {
            options.Epochs = 10;
            callbacks.Add(late);
        }));

        model.Fit(train.Batches(32, shuffle: true, seed: 1), options);

        model.EpochsTrained.Should().Be(2);
        late.Epochs.Should().Be(0, "a callback added to the caller's list during the fit is not run");
    }

    [Fact]
    public void Pipelines_and_preprocessors_ignore_later_changes_to_their_options()
    {
        var geometry = new AugmentationOptions { RotationRangeDegrees = 10 };
        var execution = new AugmentationExecutionOptions { WorkerCount = 2, PrefetchBatches = 4 };
        var augmented = TestDigits.First(32).Augment(geometry);
        var flow = augmented.Flow(16, seed: 1, execution: execution);
        var decorator = TestDigits.First(32).Batches(16).Augment(geometry, seed: 1);
        geometry.RotationRangeDegrees = 45;
        geometry.FillMode = FillMode.Wrap;
        execution.WorkerCount = 5;
        execution.PrefetchBatches = 1;

        (augmented.Augmenter.RotationRangeDegrees, augmented.Augmenter.FillMode).Should().Be((10, FillMode.Nearest));
        decorator.Augmenter.RotationRangeDegrees.Should().Be(10);
        (flow.WorkerCount, flow.PrefetchBatches).Should().Be((2, 4));

        var preprocessing = new DigitPreprocessingOptions { BoxSize = 18 };
        var preprocessor = new DigitImagePreprocessor(preprocessing);
        preprocessing.BoxSize = 10;
        preprocessor.Options.BoxSize.Should().Be(18);
        preprocessor.Options.BoxSize = 5;
        preprocessor.Options.BoxSize.Should().Be(18, "Options is a copy");
    }

    private sealed class CountingCallback : Callback
    {
        public int Epochs { get; private set; }

        public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics) => Epochs++;
    }

    private sealed class ActionCallback(Action onEpochEnd) : Callback
    {
        public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics) => onEpochEnd();
    }
}
