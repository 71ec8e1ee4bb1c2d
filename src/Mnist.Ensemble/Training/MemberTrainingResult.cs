using Mnist.Training;

namespace Mnist.Ensemble;

/// <summary>What one <c>ModelEnsemble.Fit</c> call did to one member.</summary>
/// <param name="MemberNumber">1-based member number.</param>
/// <param name="Seed">The member's seed (given to the training-source factory).</param>
/// <param name="History">The epochs this call trained, over all phases (empty when skipped or cancelled before the first epoch ended).</param>
/// <param name="Completed">Whether the member finished the whole schedule in this call.</param>
/// <param name="Skipped">Whether the member was left alone because it was already trained (<see cref="EnsembleFitOptions.SkipTrainedMembers"/>).</param>
public sealed record MemberTrainingResult(int MemberNumber, int Seed, TrainingHistory History, bool Completed, bool Skipped);
