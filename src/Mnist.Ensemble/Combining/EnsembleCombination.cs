namespace Mnist.Ensemble;

/// <summary>How a <see cref="ModelEnsemble"/> combines its members' class probabilities into one distribution per sample.</summary>
public enum EnsembleCombination
{
    /// <summary>
    /// p̄(c) = (1/n) Σᵢ pᵢ(c): the plain average of the members' softmax outputs, as the notebook's <c>Ensemble</c> class does.
    /// Member weights are ignored.
    /// </summary>
    ArithmeticMean,

    /// <summary>
    /// p̄(c) = Σᵢ wᵢ pᵢ(c) / Σᵢ wᵢ with the members' <see cref="EnsembleMember.Weight"/> values (non-negative, positive sum).
    /// </summary>
    WeightedMean,

    /// <summary>
    /// p̄(c) ∝ exp((1/n) Σᵢ ln max(pᵢ(c), <see cref="ProbabilityCombination.ProbabilityFloor"/>)), renormalised so every row sums
    /// to 1. Rewards classes all members agree on (a "product of experts"). The floor keeps a member that gives a class
    /// exactly 0 from vetoing it with ln 0 = −∞. Member weights are ignored.
    /// </summary>
    GeometricMean,
}
