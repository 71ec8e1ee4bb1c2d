namespace Mnist.Training;

/// <summary>The epoch metric a callback watches (Keras' <c>monitor</c>).</summary>
public enum MonitoredMetric
{
    /// <summary>Validation loss ("val_loss"), lower is better; the default.</summary>
    ValidationLoss = 0,
    /// <summary>Validation accuracy ("val_acc"), higher is better.</summary>
    ValidationAccuracy,
    /// <summary>Training loss ("loss"), lower is better.</summary>
    Loss,
    /// <summary>Training accuracy ("acc"), higher is better.</summary>
    Accuracy,
}

/// <summary>Reads and compares <see cref="MonitoredMetric"/> values.</summary>
internal static class MonitoredMetricExtensions
{
    public static bool HigherIsBetter(this MonitoredMetric metric) => metric is MonitoredMetric.ValidationAccuracy or MonitoredMetric.Accuracy;

    public static double Read(this MonitoredMetric metric, EpochMetrics epoch) => metric switch
    {
        MonitoredMetric.Loss => epoch.Loss,
        MonitoredMetric.Accuracy => epoch.Accuracy,
        MonitoredMetric.ValidationLoss => epoch.ValidationLoss
            ?? throw new InvalidOperationException("The callback monitors the validation loss but Fit was called without validation data; pass validation data or monitor Loss."),
        MonitoredMetric.ValidationAccuracy => epoch.ValidationAccuracy
            ?? throw new InvalidOperationException("The callback monitors the validation accuracy but Fit was called without validation data; pass validation data or monitor Accuracy."),
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, null),
    };

    /// <summary>Whether <paramref name="candidate"/> beats <paramref name="best"/> by more than <paramref name="minDelta"/>.</summary>
    public static bool Improves(this MonitoredMetric metric, double candidate, double best, double minDelta) =>
        double.IsNaN(best) || (metric.HigherIsBetter() ? candidate > best + minDelta : candidate < best - minDelta);
}
