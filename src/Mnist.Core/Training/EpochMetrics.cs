namespace Mnist.Training;

/// <summary>What one training epoch produced (the Keras <c>History.history</c> row).</summary>
/// <param name="Epoch">1-based epoch number over the model's whole training (a second <c>Fit</c> continues the count).</param>
/// <param name="Loss">Mean training loss (categorical cross-entropy) over the epoch.</param>
/// <param name="Accuracy">Training accuracy over the epoch, in [0, 1].</param>
/// <param name="ValidationLoss">Loss on the validation data, when given.</param>
/// <param name="ValidationAccuracy">Accuracy on the validation data, when given.</param>
/// <param name="LearningRate">Learning rate in effect at the end of the epoch.</param>
/// <param name="Seconds">Wall time of the epoch, validation included.</param>
public sealed record EpochMetrics(
    int Epoch,
    double Loss,
    double Accuracy,
    double? ValidationLoss,
    double? ValidationAccuracy,
    double LearningRate,
    double Seconds);
