namespace Mnist.Ensemble;

/// <summary>One member's score in an <see cref="EnsembleEvaluation"/>.</summary>
/// <param name="MemberNumber">1-based member number.</param>
/// <param name="Loss">Mean categorical cross-entropy of the member's probabilities (floored at <see cref="ProbabilityCombination.ProbabilityFloor"/>).</param>
/// <param name="Accuracy">Fraction of samples whose most probable class is the true one.</param>
public sealed record MemberEvaluation(int MemberNumber, double Loss, double Accuracy);
