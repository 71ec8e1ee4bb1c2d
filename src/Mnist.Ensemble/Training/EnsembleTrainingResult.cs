using Mnist.Training;
namespace Mnist.Ensemble;

/// <summary>What one <c>ModelEnsemble.Fit</c> call did: one entry per member, in order.</summary>
/// <param name="Schedule">The schedule every member was trained with.</param>
/// <param name="Members">Per-member results; members the call did not reach (after a cancellation) are not listed.</param>
public sealed record EnsembleTrainingResult(TrainingSchedule Schedule, IReadOnlyList<MemberTrainingResult> Members)
{
    /// <summary>1-based numbers of the members this call trained to the end of the schedule.</summary>
    public IReadOnlyList<int> CompletedMembers => Members.Where(m => m.Completed).Select(m => m.MemberNumber).ToArray();

    /// <summary>The per-member results as lines, e.g. <c>member 1: 2 epochs, completed</c>.</summary>
    public override string ToString() => string.Join(Environment.NewLine, Members.Select(m =>
        $"member {m.MemberNumber}: " + (m.Skipped ? "skipped (already trained)" : $"{m.History.Epochs.Count} epoch{(m.History.Epochs.Count == 1 ? string.Empty : "s")}, {(m.Completed ? "completed" : "not completed")}")));
}
