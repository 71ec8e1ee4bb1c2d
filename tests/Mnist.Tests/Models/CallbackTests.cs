using Mnist.Data;
using Mnist.Models;
using Mnist.Tests.Data;
using Mnist.Training;

namespace Mnist.Tests.Models;

public sealed class CallbackTests : IClassFixture<MnistTrainingSetFixture>, IDisposable
{
    private readonly MnistTrainingSetFixture _mnist;
    private readonly string _dir = Directory.CreateTempSubdirectory("mnist-callbacks-").FullName;

    public CallbackTests(MnistTrainingSetFixture mnist) => _mnist = mnist;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private SequentialModel Tiny(int seed = 1)
    {
        var model = Sequential.Input(1, 28, 28).Normalize(33f, 78f).Flatten().Dense(10, Activation.Softmax).Build(new ModelOptions { Seed = seed });
        model.Compile(new AdamOptions());
        return model;
    }

    private static EpochMetrics Epoch(int n, double valLoss) => new(n, 1.0, 0.5, valLoss, 0.5, 0.001, 1);

    [Fact]
    public void Early_stopping_stops_after_patience_and_restores_the_best_weights()
    {
        using var model = Tiny();
        var context = new TrainingContext(model, 10, 1, new TrainingHistory());
        using var early = new EarlyStopping(patience: 2);
        early.OnTrainBegin(context);

        early.OnEpochEnd(context, Epoch(1, 0.50));
        early.OnEpochEnd(context, Epoch(2, 0.40)); // best
        var best = model.Network.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        model.Fit(_mnist.Train.Slice(0, 128).Batches(64)); // weights move on
        early.OnEpochEnd(context, Epoch(3, 0.45));
        context.StopTraining.Should().BeFalse("one epoch without improvement is within a patience of 2");
        early.OnEpochEnd(context, Epoch(4, 0.41));
        context.StopTraining.Should().BeTrue();
        early.StoppedEpoch.Should().Be(4);
        early.BestEpoch.Should().Be(2);

        early.OnTrainEnd(context);
        model.Network.parameters().SelectMany(p => p.data<float>().ToArray()).Should().Equal(best);
    }

    [Fact]
    public void Early_stopping_in_a_real_fit_ends_training_early()
    {
        using var model = Tiny();
        model.LearningRate = 1e-7; // nothing improves by more than min delta
        var early = new EarlyStopping(MonitoredMetric.Loss, patience: 0, minDelta: 0.5);
        var history = model.Fit(_mnist.Train.Slice(0, 128).Batches(64), new FitOptions { Epochs = 5, Callbacks = [early] });
        history.Epochs.Should().HaveCount(2);
    }

    [Fact]
    public void Checkpoint_saves_only_improvements_and_csv_logger_writes_one_row_per_epoch()
    {
        using var model = Tiny();
        string weights = Path.Combine(_dir, "best.weights");
        string csv = Path.Combine(_dir, "history.csv");
        var checkpoint = new ModelCheckpoint(weights, MonitoredMetric.ValidationAccuracy);
        model.Fit(_mnist.Train.Slice(0, 256).Batches(64), new FitOptions { Epochs = 2, Validation = _mnist.Test.Slice(0, 64).Batches(64), Callbacks = [checkpoint, new CsvLogger(csv)] });

        File.Exists(weights).Should().BeTrue();
        checkpoint.LastSavedEpoch.Should().BeInRange(1, 2);
        var lines = File.ReadAllLines(csv);
        lines.Should().HaveCount(3);
        lines[0].Should().Be(CsvLogger.Header);
        lines[1].Should().StartWith("1,").And.Be(CsvLogger.FormatRow(model.History.Epochs[0]));
        lines[1].Split(',').Should().HaveCount(7);
    }

    [Fact]
    public void Monitoring_validation_without_validation_data_is_a_clear_error()
    {
        using var model = Tiny();
        model.Invoking(m => m.Fit(_mnist.Train.Slice(0, 64).Batches(64), new FitOptions { Callbacks = [new EarlyStopping()] }))
            .Should().Throw<InvalidOperationException>().WithMessage("*without validation data*");
    }

    [Fact]
    public void Schedules_give_hand_computed_values()
    {
        var step = new StepDecaySchedule(0.1, stepEpochs: 2, factor: 0.5);
        step.LearningRateAt(0).Should().Be(0.1);
        step.LearningRateAt(1.99).Should().Be(0.1);
        step.LearningRateAt(2).Should().Be(0.05);
        step.LearningRateAt(5).Should().Be(0.025);

        var cosine = new CosineAnnealingSchedule(0.1, totalEpochs: 4, minimumLearningRate: 0.02);
        cosine.LearningRateAt(0).Should().BeApproximately(0.1, 1e-12);
        cosine.LearningRateAt(2).Should().BeApproximately(0.06, 1e-12);           // halfway: (0.1 + 0.02) / 2
        cosine.LearningRateAt(1).Should().BeApproximately(0.02 + 0.08 * (1 + Math.Sqrt(0.5)) / 2, 1e-12);
        cosine.LearningRateAt(9).Should().BeApproximately(0.02, 1e-12);

        var cycle = new OneCycleSchedule(1.0, totalEpochs: 10, warmupFraction: 0.2, divFactor: 10, finalDivFactor: 100);
        cycle.LearningRateAt(0).Should().BeApproximately(0.1, 1e-12);
        cycle.LearningRateAt(1).Should().BeApproximately(0.55, 1e-12);            // halfway up: (0.1 + 1) / 2
        cycle.LearningRateAt(2).Should().BeApproximately(1.0, 1e-12);
        cycle.LearningRateAt(6).Should().BeApproximately((1.0 + 0.001) / 2, 1e-12); // halfway down to 0.1 / 100
        cycle.LearningRateAt(10).Should().BeApproximately(0.001, 1e-12);
    }

    [Fact]
    public void Scheduler_sets_the_rate_per_batch_and_plateau_reduces_it()
    {
        using var model = Tiny();
        var seen = new List<double>();
        var recorder = new RecordingCallback(c => seen.Add(c.Model.LearningRate));
        model.Fit(_mnist.Train.Slice(0, 256).Batches(64), new FitOptions { Epochs = 2, Callbacks = [new LearningRateScheduler(new StepDecaySchedule(0.01, 1, 0.1)), recorder] });
        seen.Should().Equal(0.01, 0.01, 0.01, 0.01, 0.001, 0.001, 0.001, 0.001);
        model.History.Epochs.Select(e => e.LearningRate).Should().Equal(0.01, 0.001);

        using var other = Tiny();
        other.LearningRate = 0.1;
        var plateau = new ReduceLearningRateOnPlateau(factor: 0.5, patience: 1, minimumLearningRate: 0.03);
        var context = new TrainingContext(other, 10, 1, new TrainingHistory());
        plateau.OnTrainBegin(context);
        foreach (var (n, loss) in new[] { (1, 1.0), (2, 1.0), (3, 1.0), (4, 0.5), (5, 0.5), (6, 0.5), (7, 0.5), (8, 0.5) })
            plateau.OnEpochEnd(context, Epoch(n, loss));
        other.LearningRate.Should().Be(0.03, "0.1 → 0.05 after epoch 2, → 0.025 floored at 0.03 after epoch 3");
    }

    [Fact]
    public void Progress_bar_prints_keras_lines_in_place_or_plainly()
    {
        var metrics = new EpochMetrics(1, 0.12345, 0.96123, 0.0456, 0.985, 0.01, 54.4);
        var done = new TrainingProgress(TrainingStage.EpochCompleted, 1, 2, 60000, 60000, 0.12345, 0.96123, TimeSpan.FromSeconds(54.4), metrics);
        KerasProgressBar.Format(done).Should().Be("60000/60000 [==============================] - 54s - loss: 0.1235 - acc: 0.9612 - val_loss: 0.0456 - val_acc: 0.9850");
        var halfway = new TrainingProgress(TrainingStage.BatchCompleted, 1, 2, 30016, 60000, 0.3, 0.9, TimeSpan.FromSeconds(27));
        KerasProgressBar.Format(halfway).Should().Be("30016/60000 [===============>..............] - 27s - loss: 0.3000 - acc: 0.9000");

        var log = new StringWriter();
        var plain = new KerasProgressBar(log, inPlace: false);
        plain.Report(new TrainingProgress(TrainingStage.EpochStarted, 1, 2, 0, 60000, 0, 0, TimeSpan.Zero, Label: "member 1/2"));
        plain.Report(halfway);
        plain.Report(done);
        log.ToString().Should().Be("member 1/2 - Epoch 1/2" + Environment.NewLine + KerasProgressBar.Format(done) + Environment.NewLine);

        var terminal = new StringWriter();
        var live = new KerasProgressBar(terminal, inPlace: true) { RefreshInterval = TimeSpan.Zero };
        live.Report(halfway);
        live.Report(done);
        terminal.ToString().Should().Be("\r" + KerasProgressBar.Format(halfway) + "\r" + KerasProgressBar.Format(done) + Environment.NewLine);
    }

    private sealed class RecordingCallback(Action<TrainingContext> onBatch) : Callback
    {
        public override void OnBatchBegin(TrainingContext context) => onBatch(context);
    }
}
