using Mnist.Training;

namespace Mnist.Ensemble;

/// <summary>
/// The <see cref="FitOptions"/> of <c>ModelEnsemble.Fit</c>: the shared settings (<see cref="FitOptions.Epochs"/> or
/// <see cref="FitOptions.Schedule"/>, <see cref="FitOptions.Validation"/>, <see cref="FitOptions.Callbacks"/>,
/// <see cref="FitOptions.Progress"/>) apply to every member exactly as to a single model's <c>Fit</c>; this type only adds
/// what exists for ensembles alone: per-member callbacks and skipping trained members. It extends
/// <see cref="FitOptions"/> (rather than holding one) so an ensemble fit reads like a model fit. Mutable, with documented
/// defaults; <c>Fit</c> clones and validates it at the start.
/// </summary>
/// <remarks>
/// <see cref="FitOptions.Callbacks"/> are given to every member (the same instances, one member after another); a callback
/// that keeps state across a run (early stopping, a CSV log) belongs in <see cref="MemberCallbacks"/>.
/// <see cref="FitOptions.Progress"/> receives every member's reports with <see cref="TrainingProgress.Label"/> set to
/// <c>member i/n</c> (plus the phase when the schedule has several), e.g. a <see cref="KerasProgressBar"/>.
/// </remarks>
public sealed class EnsembleFitOptions : FitOptions
{
    /// <summary>
    /// Creates the extra callbacks of member <c>memberIndex</c> (0-based), called once per member so stateful callbacks such
    /// as early stopping are not shared between members; they run after <see cref="FitOptions.Callbacks"/>. Default none.
    /// </summary>
    public Func<int, IEnumerable<Callback>>? MemberCallbacks { get; set; }

    /// <summary>Leave members that are already trained alone (e.g. to finish after a cancellation); default false.</summary>
    public bool SkipTrainedMembers { get; set; }

    /// <inheritdoc />
    public override EnsembleFitOptions Clone() => (EnsembleFitOptions)base.Clone();
}
