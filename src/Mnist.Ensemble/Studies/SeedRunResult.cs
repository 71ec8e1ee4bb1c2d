namespace Mnist.Ensemble;

/// <summary>One seed's test accuracies.</summary>
/// <param name="Seed">The seed.</param>
/// <param name="MemberAccuracies">Each member's accuracy, in member order.</param>
/// <param name="EnsembleAccuracy">The combined accuracy.</param>
public sealed record SeedRunResult(int Seed, IReadOnlyList<double> MemberAccuracies, double EnsembleAccuracy);
