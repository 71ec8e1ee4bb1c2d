using Mnist.Models;

namespace Mnist.Training;

/// <summary>
/// Stops training when the monitored metric has not improved for <see cref="Patience"/> epochs and, by default, puts
/// back the weights of the best epoch (Keras <c>EarlyStopping(restore_best_weights=True)</c>).
/// </summary>
public sealed class EarlyStopping : Callback, IDisposable
{
    private ModelWeights? _bestWeights;
    private double _best = double.NaN;
    private int _wait;

    /// <summary>Creates the callback.</summary>
    /// <param name="monitor">Metric to watch; default validation loss.</param>
    /// <param name="patience">Epochs without improvement after which training stops (as Keras; 0 behaves like 1); default 3.</param>
    /// <param name="minDelta">Smallest change that counts as an improvement; default 0.</param>
    /// <param name="restoreBestWeights">Put back the best epoch's weights when training ends; default true.</param>
    public EarlyStopping(MonitoredMetric monitor = MonitoredMetric.ValidationLoss, int patience = 3, double minDelta = 0, bool restoreBestWeights = true)
    {
        Guard.MustBeDefined(monitor);
        Guard.MustBeNonNegative(patience);
        Guard.MustBeFiniteNonNegative(minDelta);
        Monitor = monitor;
        Patience = patience;
        MinDelta = minDelta;
        RestoreBestWeights = restoreBestWeights;
    }

    /// <summary>Metric watched.</summary>
    public MonitoredMetric Monitor { get; }

    /// <summary>Epochs without improvement tolerated.</summary>
    public int Patience { get; }

    /// <summary>Smallest change that counts as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>Whether the best weights are restored at the end.</summary>
    public bool RestoreBestWeights { get; }

    /// <summary>Epoch number (<see cref="EpochMetrics.Epoch"/>) with the best value, or 0 before the first epoch.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>Epoch number (<see cref="EpochMetrics.Epoch"/>) after which training was stopped, or 0 if it ran to the end.</summary>
    public int StoppedEpoch { get; private set; }

    /// <inheritdoc />
    public override void OnTrainBegin(TrainingContext context)
    {
        _best = double.NaN;
        _wait = 0;
        BestEpoch = 0;
        StoppedEpoch = 0;
        DisposeSnapshot();
    }

    /// <inheritdoc />
    public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
        double value = Monitor.Read(metrics);
        if (Monitor.Improves(value, _best, MinDelta))
        {
            _best = value;
            _wait = 0;
            BestEpoch = metrics.Epoch;
            if (RestoreBestWeights)
            {
                DisposeSnapshot();
                _bestWeights = context.Model.GetWeights();
            }
        }
        else if (++_wait >= Math.Max(Patience, 1))
        {
            StoppedEpoch = metrics.Epoch;
            context.StopTraining = true;
        }
    }

    /// <inheritdoc />
    public override void OnTrainEnd(TrainingContext context)
    {
        if (RestoreBestWeights && _bestWeights is not null) context.Model.SetWeights(_bestWeights);
        DisposeSnapshot();
    }

    /// <summary>Releases the native copy of the best weights, if any.</summary>
    public void Dispose() => DisposeSnapshot();

    private void DisposeSnapshot()
    {
        _bestWeights?.Dispose();
        _bestWeights = null;
    }
}
