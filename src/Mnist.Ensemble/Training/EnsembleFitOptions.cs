using Mnist.Batching;
using Mnist.Training.Callbacks;
using Mnist.Training.Progress;

namespace Mnist.Ensemble;

/// <summary>Everything <c>ModelEnsemble.Fit</c> can take besides the training data. Mutable; validated by <c>Fit</c>.</summary>
public sealed class EnsembleFitOptions
{
    /// <summary>The phases every member is trained with; default one epoch at the current learning rate.</summary>
    public TrainingSchedule Schedule { get; set; } = TrainingSchedule.Epochs(1);

    /// <summary>Evaluated after each epoch of each member when given (e.g. <c>test.Batches(256)</c>); default none.</summary>
    public IBatchSource? Validation { get; set; }

    /// <summary>
    /// Creates the callbacks of member <c>memberIndex</c> (0-based), called once per member so stateful callbacks such as
    /// early stopping are not shared between members; they are used for every phase of that member. Default none.
    /// </summary>
    public Func<int, IEnumerable<Callback>>? Callbacks { get; set; }

    /// <summary>
    /// Receives every member's reports with <see cref="TrainingProgress.Label"/> set to <c>member i/n</c> (plus the phase
    /// when the schedule has several), e.g. a <see cref="KerasProgressBar"/>. Default none.
    /// </summary>
    public IProgress<TrainingProgress>? Progress { get; set; }

    /// <summary>Leave members that are already trained alone (e.g. to finish after a cancellation); default false.</summary>
    public bool SkipTrainedMembers { get; set; }

    internal void Validate()
    {
        if (Schedule is null) throw new ArgumentNullException(nameof(Schedule), "EnsembleFitOptions.Schedule must be set.");
    }
}
