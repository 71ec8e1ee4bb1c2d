namespace Mnist.Training;

/// <summary>A progress report from <c>Fit</c>, for an <see cref="IProgress{T}"/> such as <see cref="KerasProgressBar"/>.</summary>
/// <param name="Stage">What happened.</param>
/// <param name="Epoch">1-based epoch within this fit.</param>
/// <param name="Epochs">Number of epochs of this fit.</param>
/// <param name="SamplesSeen">Training samples processed so far in this epoch.</param>
/// <param name="SampleCount">Training samples per epoch.</param>
/// <param name="Loss">Running mean training loss of this epoch.</param>
/// <param name="Accuracy">Running training accuracy of this epoch.</param>
/// <param name="Elapsed">Wall time since the epoch started.</param>
/// <param name="Metrics">The finished epoch's metrics (only for <see cref="TrainingStage.EpochCompleted"/>).</param>
/// <param name="Label">Who is training, e.g. "member 2/5" in an ensemble; <see langword="null"/> for a single model.</param>
public sealed record TrainingProgress(
    TrainingStage Stage,
    int Epoch,
    int Epochs,
    int SamplesSeen,
    int SampleCount,
    double Loss,
    double Accuracy,
    TimeSpan Elapsed,
    EpochMetrics? Metrics = null,
    string? Label = null);
