
namespace Mnist.Training;

/// <summary>
/// Multiplies the learning rate by <see cref="Factor"/> when the monitored metric has not improved for
/// <see cref="Patience"/> epochs (Keras <c>ReduceLROnPlateau</c>), never going below <see cref="MinimumLearningRate"/>.
/// </summary>
public sealed class ReduceLearningRateOnPlateau : Callback
{
    private double _best = double.NaN;
    private int _wait;

    /// <summary>Creates the callback.</summary>
    /// <param name="monitor">Metric watched; default validation loss.</param>
    /// <param name="factor">Multiplier in (0, 1); default 0.1.</param>
    /// <param name="patience">Epochs without improvement after which the rate is reduced (as Keras; 0 behaves like 1); default 2.</param>
    /// <param name="minimumLearningRate">Floor; default 0.</param>
    /// <param name="minDelta">Smallest change that counts as an improvement; default 1e-4.</param>
    public ReduceLearningRateOnPlateau(MonitoredMetric monitor = MonitoredMetric.ValidationLoss, double factor = 0.1, int patience = 2, double minimumLearningRate = 0, double minDelta = 1e-4)
    {
        Guard.MustBeDefined(monitor);
        if (!(factor > 0 && factor < 1)) throw new ArgumentOutOfRangeException(nameof(factor), factor, "factor must be in (0, 1).");
        Guard.MustBeNonNegative(patience);
        Guard.MustBeFiniteNonNegative(minimumLearningRate);
        Guard.MustBeFiniteNonNegative(minDelta);
        Monitor = monitor;
        Factor = factor;
        Patience = patience;
        MinimumLearningRate = minimumLearningRate;
        MinDelta = minDelta;
    }

    /// <summary>Metric watched.</summary>
    public MonitoredMetric Monitor { get; }

    /// <summary>Multiplier applied on a plateau.</summary>
    public double Factor { get; }

    /// <summary>Epochs without improvement tolerated.</summary>
    public int Patience { get; }

    /// <summary>Floor of the learning rate.</summary>
    public double MinimumLearningRate { get; }

    /// <summary>Smallest change that counts as an improvement.</summary>
    public double MinDelta { get; }

    /// <inheritdoc />
    public override void OnTrainBegin(TrainingContext context)
    {
        _best = double.NaN;
        _wait = 0;
    }

    /// <inheritdoc />
    public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
        double value = Monitor.Read(metrics);
        if (Monitor.Improves(value, _best, MinDelta))
        {
            _best = value;
            _wait = 0;
        }
        else if (++_wait >= Math.Max(Patience, 1))
        {
            context.Model.LearningRate = Math.Max(context.Model.LearningRate * Factor, MinimumLearningRate);
            _wait = 0;
        }
    }
}
