
namespace Mnist.Training;

/// <summary>
/// Saves the weights after an epoch (Keras <c>ModelCheckpoint</c>): by default only when the monitored metric improves.
/// Writes are atomic (a crash while saving leaves the previous file intact).
/// </summary>
public sealed class ModelCheckpoint : Callback
{
    private double _best = double.NaN;

    /// <summary>Creates the callback.</summary>
    /// <param name="path">Weights file to write (TorchSharp format, see <c>SequentialModel.SaveWeights</c>).</param>
    /// <param name="monitor">Metric to watch; default validation loss.</param>
    /// <param name="saveBestOnly">Save only on improvement (default true); otherwise after every epoch.</param>
    public ModelCheckpoint(string path, MonitoredMetric monitor = MonitoredMetric.ValidationLoss, bool saveBestOnly = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Guard.MustBeDefined(monitor);
        Path = path;
        Monitor = monitor;
        SaveBestOnly = saveBestOnly;
    }

    /// <summary>Weights file written.</summary>
    public string Path { get; }

    /// <summary>Metric watched.</summary>
    public MonitoredMetric Monitor { get; }

    /// <summary>Whether only improvements are saved.</summary>
    public bool SaveBestOnly { get; }

    /// <summary>Epoch number (<see cref="EpochMetrics.Epoch"/>) of the last save, or 0.</summary>
    public int LastSavedEpoch { get; private set; }

    /// <inheritdoc />
    public override void OnTrainBegin(TrainingContext context) => _best = double.NaN;

    /// <inheritdoc />
    public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
        if (SaveBestOnly)
        {
            double value = Monitor.Read(metrics);
            if (!Monitor.Improves(value, _best, 0)) return;
            _best = value;
        }

        context.Model.SaveWeights(Path);
        LastSavedEpoch = metrics.Epoch;
    }
}
