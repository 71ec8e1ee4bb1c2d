namespace Mnist.Ensemble;

/// <summary>
/// <c>ModelEnsemble.Fit</c> was cancelled. Members that finished before stay trained; the member being trained keeps the
/// weights of its last complete epoch and is not marked trained; later members were not touched. Call <c>Fit</c> again
/// with <see cref="EnsembleFitOptions.SkipTrainedMembers"/> to train the rest.
/// </summary>
public sealed class EnsembleTrainingCanceledException : OperationCanceledException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which member was interrupted and which are trained.</param>
    /// <param name="result">What the call did before it was cancelled.</param>
    /// <param name="trainedMembers">1-based numbers of every trained member of the ensemble after the cancellation.</param>
    /// <param name="innerException">The cancellation raised by the member's <c>Fit</c>.</param>
    /// <param name="cancellationToken">The token that was cancelled.</param>
    public EnsembleTrainingCanceledException(string message, EnsembleTrainingResult result, IReadOnlyList<int> trainedMembers, Exception? innerException, CancellationToken cancellationToken)
        : base(message, innerException, cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(trainedMembers);
        Result = result;
        TrainedMembers = trainedMembers;
    }

    /// <summary>What the call did before it was cancelled (the interrupted member is listed as not completed).</summary>
    public EnsembleTrainingResult Result { get; }

    /// <summary>1-based numbers of every trained member of the ensemble after the cancellation.</summary>
    public IReadOnlyList<int> TrainedMembers { get; }

    /// <summary>1-based number of the member that was being trained when the cancellation came, if any.</summary>
    public int? InterruptedMember => Result.Members.LastOrDefault(m => !m.Completed && !m.Skipped)?.MemberNumber;
}
