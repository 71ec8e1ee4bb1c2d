namespace Mnist;

/// <summary>Precision, recall, F1 and support of one class, read off a <see cref="ConfusionMatrix"/>.</summary>
/// <param name="ClassIndex">The class index (row and column of the confusion matrix).</param>
/// <param name="ClassName">The display name of the class.</param>
/// <param name="Precision">True positives / predicted positives (column sum); 0 when the class was never predicted.</param>
/// <param name="Recall">True positives / actual positives (row sum); 0 when the class never occurs.</param>
/// <param name="F1">Harmonic mean of precision and recall; 0 when both are 0.</param>
/// <param name="Support">Number of samples whose true label is this class (row sum).</param>
public sealed record ClassMetrics(int ClassIndex, string ClassName, double Precision, double Recall, double F1, long Support);
