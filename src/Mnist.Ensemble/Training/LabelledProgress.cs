using Mnist.Training.Progress;

namespace Mnist.Ensemble;

/// <summary>Forwards reports with <see cref="TrainingProgress.Label"/> set, so a progress display shows which member trains.</summary>
internal sealed class LabelledProgress : IProgress<TrainingProgress>
{
    private readonly IProgress<TrainingProgress> _inner;
    private readonly string _label;

    public LabelledProgress(IProgress<TrainingProgress> inner, string label)
    {
        _inner = inner;
        _label = label;
    }

    public void Report(TrainingProgress value) => _inner.Report(value with { Label = _label });
}
