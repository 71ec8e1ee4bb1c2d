using System.Diagnostics;
using System.Globalization;
using Mnist.Data;
using Mnist.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Training;

/// <summary>
/// One <see cref="SequentialModel.Fit(IBatchSource, FitOptions?, CancellationToken)"/> call: the phases of the schedule,
/// each a callback run of epochs; every epoch's batches with the bfloat16 compute copy kept in step; validation; and the
/// rollback of the weights to the start of the epoch when the loss diverges or the epoch fails. The model keeps its
/// optimiser, history and epoch count; this type only advances them.
/// </summary>
internal sealed class TrainingLoop
{
    private readonly SequentialModel _model;
    private readonly IBatchSource _train;
    private readonly IBatchSource? _validation;
    private readonly List<Callback> _callbacks;
    private readonly TrainingHistory _fitHistory = new();
    private readonly CancellationToken _cancellationToken;
    private readonly double _labelSmoothing;

    private TrainingLoop(SequentialModel model, IBatchSource train, IBatchSource? validation, List<Callback> callbacks, double labelSmoothing, CancellationToken cancellationToken)
    {
        _labelSmoothing = labelSmoothing;
        _model = model;
        _train = train;
        _validation = validation;
        _callbacks = callbacks;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Trains <paramref name="model"/> as <see cref="SequentialModel.Fit(IBatchSource, FitOptions?, CancellationToken)"/> documents.</summary>
    /// <returns>This fit's epochs over all phases (also appended to the model's history).</returns>
    public static TrainingHistory Fit(SequentialModel model, IBatchSource train, FitOptions? options, CancellationToken cancellationToken)
    {
        options = options?.Clone() ?? new FitOptions();
        var schedule = options.ResolveSchedule();
        var callbacks = options.Callbacks?.ToList() ?? new List<Callback>();
        var progress = options.Progress;
        _ = model.Optimizer; // InvalidOperationException when not compiled
        if (train.SampleCount <= 0) throw new ArgumentException("The training source yields no samples.", nameof(train));

        var loop = new TrainingLoop(model, train, options.Validation, callbacks, options.LabelSmoothing, cancellationToken);
        int phaseNumber = 0;
        foreach (var phase in schedule.Phases)
        {
            phaseNumber++;
            if (phase.LearningRate is { } lr) model.LearningRate = lr;
            var phaseProgress = progress is null || schedule.Phases.Count == 1 ? progress : new LabelledProgress(progress, PhaseLabel(schedule, phaseNumber));
            bool stopped = loop.RunPhase(phase.Epochs, phaseProgress);
            if (stopped) break;
        }

        return loop._fitHistory;
    }

    private static string PhaseLabel(TrainingSchedule schedule, int phaseNumber)
    {
        var phase = schedule.Phases[phaseNumber - 1];
        return string.Create(CultureInfo.InvariantCulture, $"phase {phaseNumber}/{schedule.Phases.Count}")
               + (phase.LearningRate is { } lr ? string.Create(CultureInfo.InvariantCulture, $" (lr {lr})") : string.Empty);
    }

    /// <summary>One phase: a callback run (OnTrainBegin … OnTrainEnd) of <paramref name="epochs"/> epochs; true when a callback stopped training.</summary>
    private bool RunPhase(int epochs, IProgress<TrainingProgress>? progress)
    {
        var phaseHistory = new TrainingHistory();
        int steps = (_train.SampleCount + _train.BatchSize - 1) / _train.BatchSize;
        var context = new TrainingContext(_model, epochs, steps, phaseHistory);
        foreach (var callback in _callbacks) callback.OnTrainBegin(context);
        try
        {
            for (int epoch = 0; epoch < epochs && !context.StopTraining; epoch++)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                context.Epoch = epoch;
                context.Batch = 0;
                foreach (var callback in _callbacks) callback.OnEpochBegin(context);
                var metrics = RunEpoch(context, progress);
                phaseHistory.Add(metrics);
                _fitHistory.Add(metrics);
                _model.History.Add(metrics);
                foreach (var callback in _callbacks) callback.OnEpochEnd(context, metrics);
            }
        }
        finally
        {
            // A model rests in evaluation mode between calls, so prediction need not switch modes (and back) per call.
            _model.ComputeNetwork.eval();
            foreach (var callback in _callbacks) callback.OnTrainEnd(context);
        }

        return context.StopTraining;
    }

    private EpochMetrics RunEpoch(TrainingContext context, IProgress<TrainingProgress>? progress)
    {
        var model = _model;
        var optimizer = model.Optimizer;
        var compute = model.ComputeCopy;
        var clock = Stopwatch.StartNew();
        int epochNumber = context.Epoch + 1;
        int epochIndex = model.EpochsTrained;
        // Dropout draws from LibTorch's global generator (it takes no generator argument): the model seeds it for the epoch
        // from its seed and the epoch number, and gives the caller's state back at the end.
        using var seeded = GlobalGeneratorScope.Seeded(SeedMixer.Mix(model.Seed, 0x5EED, epochIndex));
        var snapshot = model.SnapshotWeights();
        try
        {
            model.ComputeNetwork.train();
            progress?.Report(new TrainingProgress(TrainingStage.EpochStarted, epochNumber, context.Epochs, 0, _train.SampleCount, 0, 0, TimeSpan.Zero));
            double lossSum = 0;
            long correct = 0;
            int seen = 0, batchIndex = 0;
            var device = model.Device;
            bool onCpu = device.type == DeviceType.CPU;
            foreach (var batch in _train.GetBatches(epochIndex, _cancellationToken))
            {
                using var scope = NewDisposeScope();
                using (batch)
                {
                    context.Batch = batchIndex;
                    foreach (var callback in _callbacks) callback.OnBatchBegin(context);
                    CheckBatch(batch, model.ClassCount);
                    var x = onCpu ? batch.Images : batch.Images.to(device);
                    var y = onCpu ? batch.Labels : batch.Labels.to(device);
                    optimizer.zero_grad();
                    if (compute is not null)
                    {
                        compute.PullParameters();
                        compute.Network.zero_grad();
                    }

                    var logits = model.ForwardCompute(x);
                    var loss = nn.functional.cross_entropy(logits, y, label_smoothing: _labelSmoothing);
                    loss.backward();
                    compute?.PushGradients();
                    optimizer.step();
                    float lossValue = loss.item<float>();
                    if (!float.IsFinite(lossValue))
                    {
                        model.RestoreWeights(snapshot);
                        model.Compile(model.OptimizerOptions!.WithLearningRate(model.LearningRate));
                        throw new TrainingDivergedException(
                            $"Training diverged in epoch {epochNumber}, batch {batchIndex + 1}: the loss became {lossValue}. The weights were restored to the start of the epoch and the optimiser was reset; "
                            + $"lower the learning rate (now {model.LearningRate}) or check the input data for NaN/infinite values.",
                            context.History);
                    }

                    correct += logits.argmax(1).eq(y).sum().item<long>();
                    lossSum += (double)lossValue * batch.Count;
                    seen += batch.Count;
                }

                batchIndex++;
                progress?.Report(new TrainingProgress(TrainingStage.BatchCompleted, epochNumber, context.Epochs, seen, _train.SampleCount, lossSum / seen, (double)correct / seen, clock.Elapsed));
            }

            if (seen == 0) throw new InvalidOperationException($"The training source yielded no batch in epoch {epochNumber}.");
            compute?.PushBuffers();
            EvaluationResult? validationResult = null;
            if (_validation is not null)
            {
                progress?.Report(new TrainingProgress(TrainingStage.Validating, epochNumber, context.Epochs, seen, _train.SampleCount, lossSum / seen, (double)correct / seen, clock.Elapsed));
                validationResult = model.Evaluate(_validation, _cancellationToken);
            }

            model.EpochsTrained++;
            var metrics = new EpochMetrics(model.EpochsTrained, lossSum / seen, (double)correct / seen, validationResult?.Loss, validationResult?.Accuracy, model.LearningRate, clock.Elapsed.TotalSeconds);
            progress?.Report(new TrainingProgress(TrainingStage.EpochCompleted, epochNumber, context.Epochs, seen, _train.SampleCount, metrics.Loss, metrics.Accuracy, clock.Elapsed, metrics));
            return metrics;
        }
        catch (Exception ex) when (ex is not TrainingDivergedException)
        {
            // Cancellation, a failing batch source or callback, a native error: put back the last complete epoch's
            // weights (this also re-synchronises a bfloat16 compute copy), so the model stays consistent.
            model.RestoreWeights(snapshot);
            throw;
        }
        finally
        {
            foreach (var t in snapshot.Values) t.Dispose();
        }
    }

    /// <summary>Checks a training batch before it reaches native code: image shape and label range.</summary>
    private void CheckBatch(Batch batch, long classes)
    {
        var shape = batch.Images.shape;
        var input = _model.InputShape;
        if (!shape.Skip(1).SequenceEqual(input.WithBatch(0).Skip(1)))
            throw new ArgumentException($"A training batch has images of shape ({string.Join(", ", shape)}), which do not fit the model's input {input}.");
        CheckLabels(batch.Labels, classes);
    }

    private static void CheckLabels(Tensor labels, long classes)
    {
        if (labels.numel() == 0) return;
        long max = labels.max().item<long>(), min = labels.min().item<long>();
        if (min < 0 || max >= classes)
            throw new ArgumentException($"Labels must be class indices in [0, {classes}); found values from {min} to {max}.");
    }
}
