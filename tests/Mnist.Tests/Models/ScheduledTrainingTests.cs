using Mnist.Data;
using Mnist.Ensemble;
using Mnist.Models;
using Mnist.Tests.Data;
using Mnist.Training;
using static TorchSharp.torch;

namespace Mnist.Tests.Models;

/// <summary>One way to train: <see cref="FitOptions"/> (epochs or a schedule, validation, callbacks, progress) for models and ensembles.</summary>
public sealed class ScheduledTrainingTests : IClassFixture<MnistTrainingSetFixture>
{
    private readonly MnistDataset _train;
    private readonly MnistDataset _test;
    private readonly Normalizer _normalizer;

    public ScheduledTrainingTests(MnistTrainingSetFixture mnist)
    {
        _train = mnist.Train.Slice(0, 512);
        _test = mnist.Test.Slice(0, 128);
        _normalizer = Normalizer.Fit(_train);
    }

    private SequentialModel NewModel(int seed)
    {
        var model = Sequential.Input(1, 28, 28).Normalize(_normalizer).Conv2D(4, 3, Activation.ReLU).MaxPool2D().BatchNorm().Flatten().Dropout(0.25).Dense(10, Activation.Softmax)
            .Build(new ModelOptions { Seed = seed });
        model.Compile(new AdamOptions { LearningRate = 0.001 });
        return model;
    }

    private static Dictionary<string, float[]> Weights(SequentialModel model) =>
        model.Network.state_dict().Where(kv => kv.Value.dtype == ScalarType.Float32).ToDictionary(kv => kv.Key, kv => kv.Value.data<float>().ToArray());

    [Fact]
    public void A_two_phase_schedule_sets_each_phases_learning_rate_and_equals_two_fits_with_the_rate_set_by_hand()
    {
        var reports = new List<TrainingProgress>();
        using var scheduled = NewModel(seed: 7);
        using var byHand = NewModel(seed: 7);

        var history = scheduled.Fit(
            _train.Batches(64, shuffle: true, seed: 7),
            new FitOptions { Schedule = TrainingSchedule.FromPhases((0.01, 1), (0.0001, 2)), Progress = new SynchronousProgress(reports.Add) });

        var source = _train.Batches(64, shuffle: true, seed: 7);
        byHand.LearningRate = 0.01;
        byHand.Fit(source, new FitOptions { Epochs = 1 });
        byHand.LearningRate = 0.0001;
        byHand.Fit(source, new FitOptions { Epochs = 2 });

        history.Epochs.Select(e => e.LearningRate).Should().Equal(0.01, 0.0001, 0.0001);
        scheduled.History.Epochs.Select(e => e.LearningRate).Should().Equal(0.01, 0.0001, 0.0001);
        scheduled.EpochsTrained.Should().Be(3);
        history.Epochs.Select(e => e.Loss).Should().Equal(byHand.History.Epochs.Select(e => e.Loss));
        var expected = Weights(byHand);
        foreach (var (name, values) in Weights(scheduled))
            values.Should().Equal(expected[name], $"'{name}' follows the same seeded training");
        reports.Where(r => r.Stage == TrainingStage.EpochStarted).Select(r => (r.Label, r.Epoch, r.Epochs)).Should().Equal(
            ("phase 1/2 (lr 0.01)", 1, 1), ("phase 2/2 (lr 0.0001)", 1, 2), ("phase 2/2 (lr 0.0001)", 2, 2));
    }

    [Fact]
    public void Validation_callbacks_and_progress_flow_through_a_single_model_fit()
    {
        using var model = NewModel(seed: 3);
        var recorder = new Recorder();
        var reports = new List<TrainingProgress>();

        var history = model.Fit(
            _train.Batches(DefaultBatchSize.Training, shuffle: true, seed: 3),
            new FitOptions { Epochs = 2, Validation = _test.Batches(DefaultBatchSize.Evaluation), Callbacks = [recorder], Progress = new SynchronousProgress(reports.Add) });

        history.Epochs.Should().HaveCount(2).And.OnlyContain(e => e.ValidationLoss != null && e.ValidationAccuracy != null);
        recorder.Events.Should().Equal("begin", "epoch 1", "epoch 2", "end");
        reports.Count(r => r.Stage == TrainingStage.EpochCompleted).Should().Be(2);
        reports.Count(r => r.Stage == TrainingStage.Validating).Should().Be(2);
        reports.Should().OnlyContain(r => r.Label == null, "a single-phase fit of a single model is not labelled");
    }

    [Fact]
    public void A_dataset_fit_with_default_options_trains_one_epoch_in_batches_of_the_training_default()
    {
        using var model = NewModel(seed: 4);
        var reports = new List<TrainingProgress>();

        var history = model.Fit(_train, new FitOptions { Progress = new SynchronousProgress(reports.Add) });

        history.Epochs.Should().ContainSingle();
        reports.Where(r => r.Stage == TrainingStage.BatchCompleted).Select(r => r.SamplesSeen).First().Should().Be(DefaultBatchSize.Training);
        DefaultBatchSize.Training.Should().Be(64);
        DefaultBatchSize.Evaluation.Should().Be(256);
        _train.Batches().BatchSize.Should().Be(DefaultBatchSize.Training);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    public void Invalid_epochs_fail_before_training_with_the_property_named(int epochs)
    {
        using var model = NewModel(seed: 1);
        using var ensemble = ModelEnsemble.FromModels([NewModel(seed: 2)]);

        model.Invoking(m => m.Fit(_train.Batches(64), new FitOptions { Epochs = epochs }))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(nameof(FitOptions.Epochs));
        ensemble.Invoking(e => e.Fit(_train, new EnsembleFitOptions { Epochs = epochs }))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(nameof(FitOptions.Epochs));
        model.EpochsTrained.Should().Be(0);
        ensemble.Members[0].Model.EpochsTrained.Should().Be(0);
    }

    [Fact]
    public void Epochs_and_a_schedule_together_or_a_null_callback_are_rejected_with_the_property_named()
    {
        using var model = NewModel(seed: 1);

        model.Invoking(m => m.Fit(_train.Batches(64), new FitOptions { Epochs = 2, Schedule = TrainingSchedule.Epochs(2) }))
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be(nameof(FitOptions.Schedule));
        model.Invoking(m => m.Fit(_train.Batches(64), new FitOptions { Callbacks = [null!] }))
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be(nameof(FitOptions.Callbacks));
    }

    [Fact]
    public void An_ensemble_takes_the_same_options_type_and_trains_each_member_as_a_single_model_fit_would()
    {
        var shared = new Recorder();
        var reports = new List<TrainingProgress>();
        EnsembleFitOptions options = new()
        {
            Schedule = TrainingSchedule.NotebookLongFit(1, 1),
            Validation = _test.Batches(DefaultBatchSize.Evaluation),
            Callbacks = [shared],
            Progress = new SynchronousProgress(reports.Add),
        };
        FitOptions asShared = options;
        using var ensemble = ModelEnsemble.FromModels([NewModel(seed: 11), NewModel(seed: 12)]);
        using var single = NewModel(seed: 11);

        var result = ensemble.Fit((_, _) => _train.Batches(64, shuffle: true, seed: 5), options);
        single.Fit(_train.Batches(64, shuffle: true, seed: 5), new FitOptions { Schedule = asShared.Schedule, Validation = asShared.Validation });

        result.Schedule.Should().BeSameAs(options.Schedule);
        result.Members.Should().AllSatisfy(m =>
        {
            m.Completed.Should().BeTrue();
            m.History.Epochs.Select(e => e.LearningRate).Should().Equal(0.01, 0.0001);
            m.History.Epochs.Should().OnlyContain(e => e.ValidationAccuracy != null);
        });
        shared.Events.Count(e => e.StartsWith("epoch", StringComparison.Ordinal)).Should().Be(4, "the shared callbacks see every epoch of every member");
        reports.Where(r => r.Stage == TrainingStage.EpochStarted).Select(r => r.Label).Should().Equal(
            "member 1/2, phase 1/2 (lr 0.01)", "member 1/2, phase 2/2 (lr 0.0001)",
            "member 2/2, phase 1/2 (lr 0.01)", "member 2/2, phase 2/2 (lr 0.0001)");
        var expected = Weights(single);
        foreach (var (name, values) in Weights(ensemble.Members[0].Model))
            values.Should().Equal(expected[name], $"member 1's '{name}' equals the same fit of a single model");
    }

    private sealed class Recorder : Callback
    {
        public List<string> Events { get; } = [];

        public override void OnTrainBegin(TrainingContext context) => Events.Add("begin");

        public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics) => Events.Add($"epoch {metrics.Epoch}");

        public override void OnTrainEnd(TrainingContext context) => Events.Add("end");
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
