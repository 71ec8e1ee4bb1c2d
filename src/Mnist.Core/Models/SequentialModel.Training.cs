using System.Diagnostics;
using System.Globalization;
using Mnist.Data;
using Mnist.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Models;

public sealed partial class SequentialModel
{
    private optim.Optimizer? _optimizer;
    private OptimizerOptions? _optimizerOptions;
    private int _epochsTrained;

    /// <summary>Every epoch trained by every <c>Fit</c> call on this model, in order.</summary>
    public TrainingHistory History { get; } = new();

    /// <summary>Number of epochs trained so far (over all <c>Fit</c> calls); also the epoch index given to batch sources.</summary>
    public int EpochsTrained
    {
        get => _epochsTrained;
        internal set => _epochsTrained = value;
    }

    /// <summary>
    /// A copy of the optimiser options given to <see cref="Compile"/> (a new one on every read, so changing it changes
    /// nothing), or <see langword="null"/> before it.
    /// </summary>
    public OptimizerOptions? OptimizerOptions => _optimizerOptions?.Clone();

    /// <summary>
    /// Chooses the optimiser (Keras <c>compile</c>; loss is categorical cross-entropy from logits, metric accuracy).
    /// Calling it again replaces the optimiser and its state.
    /// </summary>
    /// <param name="optimizer">E.g. <c>new AdamOptions { LearningRate = 0.01 }</c>; copied and validated here.</param>
    /// <returns>This model, for chaining.</returns>
    public SequentialModel Compile(OptimizerOptions optimizer)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(optimizer);
        optimizer = optimizer.Clone();
        optimizer.Validate();
        _optimizer?.Dispose();
        _optimizer = optimizer.Create(_network.parameters());
        _optimizerOptions = optimizer;
        return this;
    }

    /// <summary>
    /// The optimiser's current learning rate; setting it between or during fits is the notebook's <c>set_lr</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model was not compiled.</exception>
    public double LearningRate
    {
        get => EnsureCompiled().ParamGroups.First().LearningRate;
        set
        {
            Guard.MustBeFinitePositive(value, nameof(LearningRate));
            foreach (var group in EnsureCompiled().ParamGroups) group.LearningRate = value;
        }
    }

    /// <summary>
    /// Trains on <paramref name="train"/> (Keras <c>fit</c>): <see cref="FitOptions.Epochs"/> epochs at the current learning
    /// rate, or each phase of <see cref="FitOptions.Schedule"/> after setting its learning rate (the notebook's
    /// <c>set_lr</c> + <c>fit</c>, as <see cref="TrainingSchedule.NotebookLongFit"/>). A schedule trains exactly as
    /// consecutive <c>Fit</c> calls with <see cref="LearningRate"/> set by hand between them would.
    /// </summary>
    /// <param name="train">Batches: a plain dataset source (<c>dataset.Batches(DefaultBatchSize.Training, shuffle: true)</c>) or an augmenting generator.</param>
    /// <param name="options">Epochs or schedule, validation, callbacks, progress; <see langword="null"/>: one epoch, nothing else.</param>
    /// <param name="cancellationToken">Stops training; the weights are put back to the end of the last complete epoch.</param>
    /// <returns>This fit's epochs over all phases (also appended to <see cref="History"/>); each records its learning rate.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the exception names the property, e.g. <c>Epochs</c>).</exception>
    /// <exception cref="TrainingDivergedException">The loss became NaN/infinite; weights restored to the epoch start.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; completed epochs are kept in <see cref="History"/>.</exception>
    public TrainingHistory Fit(IBatchSource train, FitOptions? options = null, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(train);
        options = options?.Clone() ?? new FitOptions();
        var schedule = options.ResolveSchedule();
        var validation = options.Validation;
        var callbacks = options.Callbacks?.ToList() ?? new List<Callback>();
        var progress = options.Progress;
        EnsureCompiled();
        if (train.SampleCount <= 0) throw new ArgumentException("The training source yields no samples.", nameof(train));

        var fitHistory = new TrainingHistory();
        int phaseNumber = 0;
        foreach (var phase in schedule.Phases)
        {
            phaseNumber++;
            if (phase.LearningRate is { } lr) LearningRate = lr;
            var phaseProgress = progress is null || schedule.Phases.Count == 1 ? progress : new LabelledProgress(progress, PhaseLabel(schedule, phaseNumber));
            bool stopped = FitPhase(train, phase.Epochs, validation, callbacks, phaseProgress, fitHistory, cancellationToken);
            if (stopped) break;
        }

        return fitHistory;
    }

    /// <summary>
    /// Trains on a dataset in shuffled batches of <see cref="DefaultBatchSize.Training"/> (shuffled with the model's
    /// <see cref="Seed"/>); for another batch size pass <c>train.Batches(n, shuffle: true, seed: …)</c>.
    /// </summary>
    /// <param name="train">Training samples.</param>
    /// <param name="options">Epochs or schedule, validation, callbacks, progress.</param>
    /// <param name="cancellationToken">Stops training.</param>
    /// <returns>This fit's epochs.</returns>
    public TrainingHistory Fit(MnistDataset train, FitOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        return Fit(train.Batches(DefaultBatchSize.Training, shuffle: true, seed: Seed), options, cancellationToken);
    }

    private static string PhaseLabel(TrainingSchedule schedule, int phaseNumber)
    {
        var phase = schedule.Phases[phaseNumber - 1];
        return string.Create(CultureInfo.InvariantCulture, $"phase {phaseNumber}/{schedule.Phases.Count}")
               + (phase.LearningRate is { } lr ? string.Create(CultureInfo.InvariantCulture, $" (lr {lr})") : string.Empty);
    }

    /// <summary>One phase: a callback run (OnTrainBegin … OnTrainEnd) of <paramref name="epochs"/> epochs; true when a callback stopped training.</summary>
    private bool FitPhase(IBatchSource train, int epochs, IBatchSource? validation, List<Callback> callbackList, IProgress<TrainingProgress>? progress, TrainingHistory fitHistory, CancellationToken cancellationToken)
    {
        var phaseHistory = new TrainingHistory();
        int steps = (train.SampleCount + train.BatchSize - 1) / train.BatchSize;
        var context = new TrainingContext(this, epochs, steps, phaseHistory);
        foreach (var callback in callbackList) callback.OnTrainBegin(context);
        try
        {
            for (int epoch = 0; epoch < epochs && !context.StopTraining; epoch++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                context.Epoch = epoch;
                context.Batch = 0;
                foreach (var callback in callbackList) callback.OnEpochBegin(context);
                var metrics = RunEpoch(train, validation, context, callbackList, progress, cancellationToken);
                phaseHistory.Add(metrics);
                fitHistory.Add(metrics);
                History.Add(metrics);
                foreach (var callback in callbackList) callback.OnEpochEnd(context, metrics);
            }
        }
        finally
        {
            // A model rests in evaluation mode between calls, so prediction need not switch modes (and back) per call.
            Active.eval();
            foreach (var callback in callbackList) callback.OnTrainEnd(context);
        }

        return context.StopTraining;
    }

    private EpochMetrics RunEpoch(IBatchSource train, IBatchSource? validation, TrainingContext context, List<Callback> callbacks, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var optimizer = EnsureCompiled();
        var clock = Stopwatch.StartNew();
        int epochNumber = context.Epoch + 1;
        // Dropout draws from LibTorch's global generator (it takes no generator argument): the model seeds it for the epoch
        // from its seed and the epoch number, and gives the caller's state back at the end.
        using var seeded = GlobalGeneratorScope.Seeded(SeedMixer.Mix(Seed, 0x5EED, _epochsTrained));
        var snapshot = SnapshotWeights();
        try
        {
            Active.train();
            progress?.Report(new TrainingProgress(TrainingStage.EpochStarted, epochNumber, context.Epochs, 0, train.SampleCount, 0, 0, TimeSpan.Zero));
            double lossSum = 0;
            long correct = 0;
            int seen = 0, batchIndex = 0;
            bool onCpu = Device.type == DeviceType.CPU;
            foreach (var batch in train.GetBatches(_epochsTrained, cancellationToken))
            {
                using var scope = NewDisposeScope();
                using (batch)
                {
                    context.Batch = batchIndex;
                    foreach (var callback in callbacks) callback.OnBatchBegin(context);
                    CheckBatch(batch, ClassCount);
                    var x = onCpu ? batch.Images : batch.Images.to(Device);
                    var y = onCpu ? batch.Labels : batch.Labels.to(Device);
                    optimizer.zero_grad();
                    if (_compute is not null)
                    {
                        _compute.PullParameters();
                        _compute.Network.zero_grad();
                    }

                    var logits = ForwardActive(x);
                    var loss = nn.functional.cross_entropy(logits, y);
                    loss.backward();
                    _compute?.PushGradients();
                    optimizer.step();
                    float lossValue = loss.item<float>();
                    if (!float.IsFinite(lossValue))
                    {
                        RestoreWeights(snapshot);
                        Compile(_optimizerOptions!.WithLearningRate(LearningRate));
                        throw new TrainingDivergedException(
                            $"Training diverged in epoch {epochNumber}, batch {batchIndex + 1}: the loss became {lossValue}. The weights were restored to the start of the epoch and the optimiser was reset; "
                            + $"lower the learning rate (now {LearningRate}) or check the input data for NaN/infinite values.",
                            context.History);
                    }

                    correct += logits.argmax(1).eq(y).sum().item<long>();
                    lossSum += (double)lossValue * batch.Count;
                    seen += batch.Count;
                }

                batchIndex++;
                progress?.Report(new TrainingProgress(TrainingStage.BatchCompleted, epochNumber, context.Epochs, seen, train.SampleCount, lossSum / seen, (double)correct / seen, clock.Elapsed));
            }

            if (seen == 0) throw new InvalidOperationException($"The training source yielded no batch in epoch {epochNumber}.");
            _compute?.PushBuffers();
            EvaluationResult? validationResult = null;
            if (validation is not null)
            {
                progress?.Report(new TrainingProgress(TrainingStage.Validating, epochNumber, context.Epochs, seen, train.SampleCount, lossSum / seen, (double)correct / seen, clock.Elapsed));
                validationResult = this.Evaluate(validation, cancellationToken);
            }

            _epochsTrained++;
            var metrics = new EpochMetrics(_epochsTrained, lossSum / seen, (double)correct / seen, validationResult?.Loss, validationResult?.Accuracy, LearningRate, clock.Elapsed.TotalSeconds);
            progress?.Report(new TrainingProgress(TrainingStage.EpochCompleted, epochNumber, context.Epochs, seen, train.SampleCount, metrics.Loss, metrics.Accuracy, clock.Elapsed, metrics));
            return metrics;
        }
        catch (Exception ex) when (ex is not TrainingDivergedException)
        {
            // Cancellation, a failing batch source or callback, a native error: put back the last complete epoch's
            // weights (this also re-synchronises a bfloat16 compute copy), so the model stays consistent.
            RestoreWeights(snapshot);
            throw;
        }
        finally
        {
            foreach (var t in snapshot.Values) t.Dispose();
        }
    }

    private optim.Optimizer EnsureCompiled()
    {
        ThrowIfDisposed();
        return _optimizer ?? throw new InvalidOperationException("The model is not compiled: call Compile(new AdamOptions { … }) before Fit or LearningRate.");
    }
}
