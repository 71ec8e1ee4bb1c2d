namespace Mnist;

/// <summary>Precision, recall and F1 averaged over the classes of a <see cref="ConfusionMatrix"/>.</summary>
/// <param name="Precision">Averaged precision.</param>
/// <param name="Recall">Averaged recall.</param>
/// <param name="F1">Averaged F1 (the average of the per-class F1 scores, as scikit-learn reports it).</param>
/// <param name="Support">Total number of samples the average covers.</param>
public sealed record AverageMetrics(double Precision, double Recall, double F1, long Support);
