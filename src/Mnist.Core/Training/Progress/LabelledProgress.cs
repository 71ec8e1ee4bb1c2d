namespace Mnist.Training;

/// <summary>
/// Forwards reports with <see cref="TrainingProgress.Label"/> set to a prefix, followed by the inner label when there is
/// one (<c>member 1/2, phase 1/2 (lr 0.01)</c>), so a progress display shows who trains in which phase.
/// </summary>
internal sealed class LabelledProgress(IProgress<TrainingProgress> inner, string label) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) =>
        inner.Report(value with { Label = value.Label is null ? label : label + ", " + value.Label });
}
