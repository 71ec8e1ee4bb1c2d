using Mnist.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Ensemble;

/// <summary>
/// The arithmetic behind <see cref="EnsembleCombination"/>, on plain probability matrices (samples × classes), usable on
/// predictions from anywhere. Everything is computed in double precision and returned as float32, the precision of
/// <see cref="SequentialModel.PredictProba(TorchSharp.torch.Tensor)"/>.
/// </summary>
public static class ProbabilityCombination
{
    /// <summary>
    /// Smallest probability used inside a logarithm: 1e-12 (ln ≈ −27.63). Applies to <see cref="EnsembleCombination.GeometricMean"/>
    /// and to the cross-entropy of <see cref="CrossEntropy"/>, so a probability of exactly 0 gives a large finite penalty
    /// instead of −∞/NaN.
    /// </summary>
    public const double ProbabilityFloor = ClassProbabilities.ProbabilityFloor;

    /// <summary>Combines the members' probability matrices (all the same size) into one.</summary>
    /// <param name="memberProbabilities">One samples × classes matrix per member.</param>
    /// <param name="combination">The rule.</param>
    /// <param name="weights">One non-negative weight per member for <see cref="EnsembleCombination.WeightedMean"/> (normalised to sum 1); ignored otherwise.</param>
    /// <exception cref="ArgumentException">No member, matrices of different sizes, or invalid weights.</exception>
    public static float[,] Combine(IReadOnlyList<float[,]> memberProbabilities, EnsembleCombination combination = EnsembleCombination.ArithmeticMean, IReadOnlyList<double>? weights = null)
    {
        ArgumentNullException.ThrowIfNull(memberProbabilities);
        if (memberProbabilities.Count == 0) throw new ArgumentException("At least one member's probabilities are needed.", nameof(memberProbabilities));
        if (!Enum.IsDefined(combination)) throw new ArgumentOutOfRangeException(nameof(combination), combination, $"{nameof(combination)} has the undefined value {combination}.");
        var first = memberProbabilities[0] ?? throw new ArgumentException("memberProbabilities[0] is null.", nameof(memberProbabilities));
        int rows = first.GetLength(0), classes = first.GetLength(1);
        for (int m = 1; m < memberProbabilities.Count; m++)
        {
            var p = memberProbabilities[m] ?? throw new ArgumentException($"memberProbabilities[{m}] is null.", nameof(memberProbabilities));
            if (p.GetLength(0) != rows || p.GetLength(1) != classes)
                throw new ArgumentException($"Member {m + 1} has {p.GetLength(0)} × {p.GetLength(1)} probabilities but member 1 has {rows} × {classes}.", nameof(memberProbabilities));
        }

        var w = MemberWeights(combination, weights, memberProbabilities.Count);
        var result = new float[rows, classes];
        var row = new double[classes];
        for (int r = 0; r < rows; r++)
        {
            CombineRow(memberProbabilities, r, combination, w, row);
            for (int c = 0; c < classes; c++) result[r, c] = (float)row[c];
        }

        return result;
    }

    /// <summary>
    /// Mean categorical cross-entropy −(1/N) Σ ln max(p[n, yₙ], <see cref="ProbabilityFloor"/>) of probabilities against labels.
    /// </summary>
    /// <param name="probabilities">Samples × classes.</param>
    /// <param name="labels">One class index per sample.</param>
    /// <exception cref="ArgumentException">Counts differ, no samples, or a label is outside [0, classes).</exception>
    public static double CrossEntropy(float[,] probabilities, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(labels);
        int rows = probabilities.GetLength(0), classes = probabilities.GetLength(1);
        if (rows != labels.Count) throw new ArgumentException($"{rows} probability rows but {labels.Count} labels.", nameof(labels));
        if (rows == 0) throw new ArgumentException("There are no samples.", nameof(probabilities));
        double sum = 0;
        for (int r = 0; r < rows; r++)
        {
            int y = labels[r];
            if ((uint)y >= (uint)classes) throw new ArgumentException($"Label {y} of sample {r} is outside [0, {classes}).", nameof(labels));
            sum -= Math.Log(Math.Max(probabilities[r, y], ProbabilityFloor));
        }

        return sum / rows;
    }

    /// <summary>
    /// Combines the members' (B, C) probability tensors (any floating type, on the CPU) in torch, with exactly the
    /// arithmetic of <see cref="Combine(IReadOnlyList{float[,]}, EnsembleCombination, IReadOnlyList{double})"/>: double
    /// precision, members summed in order, the result a new (B, C) float32 CPU tensor in the current dispose scope.
    /// </summary>
    internal static Tensor Combine(IReadOnlyList<Tensor> members, EnsembleCombination combination, IReadOnlyList<double>? weights)
    {
        if (members.Count == 0) throw new ArgumentException("At least one member's probabilities are needed.", nameof(members));
        if (!Enum.IsDefined(combination)) throw new ArgumentOutOfRangeException(nameof(combination), combination, $"{nameof(combination)} has the undefined value {combination}.");
        var w = MemberWeights(combination, weights, members.Count);
        Tensor? sum = null;
        for (int m = 0; m < members.Count; m++)
        {
            var p = members[m].to(ScalarType.Float64);
            var term = combination == EnsembleCombination.GeometricMean ? p.clamp_min(ProbabilityFloor).log().mul(w[m]) : p.mul(w[m]);
            sum = sum is null ? term : sum.add(term);
        }

        if (combination == EnsembleCombination.GeometricMean)
        {
            var exp = sum!.sub(sum!.amax([1], keepdim: true)).exp();
            sum = exp.div(exp.sum(1, keepdim: true));
        }

        return sum!.to(ScalarType.Float32).contiguous();
    }

    /// <summary>Normalised per-member weights for a rule: equal for the unweighted rules.</summary>
    internal static double[] MemberWeights(EnsembleCombination combination, IReadOnlyList<double>? weights, int memberCount)
    {
        if (combination != EnsembleCombination.WeightedMean) return Enumerable.Repeat(1.0 / memberCount, memberCount).ToArray();
        if (weights is null) throw new ArgumentException("WeightedMean needs one weight per member.", nameof(weights));
        ValidateWeights(weights, memberCount);
        double total = weights.Sum();
        return weights.Select(x => x / total).ToArray();
    }

    /// <summary>Checks there is one finite non-negative weight per member and that they do not sum to 0.</summary>
    internal static void ValidateWeights(IReadOnlyList<double> weights, int memberCount, string parameterName = "weights")
    {
        if (weights.Count != memberCount)
            throw new ArgumentException($"{weights.Count} weights were given for {memberCount} members; give one weight per member.", parameterName);
        for (int i = 0; i < weights.Count; i++)
        {
            if (!double.IsFinite(weights[i]) || weights[i] < 0)
                throw new ArgumentOutOfRangeException(parameterName, weights[i], $"The weight of member {i + 1} must be a finite number ≥ 0; got {weights[i]}.");
        }

        if (weights.Sum() <= 0) throw new ArgumentException("The weights sum to 0; at least one member needs a positive weight.", parameterName);
    }

    /// <summary>Combines row <paramref name="r"/> of every member into <paramref name="destination"/> (normalised weights given).</summary>
    internal static void CombineRow(IReadOnlyList<float[,]> members, int r, EnsembleCombination combination, double[] weights, double[] destination)
    {
        int classes = destination.Length;
        Array.Clear(destination);
        if (combination == EnsembleCombination.GeometricMean)
        {
            for (int m = 0; m < members.Count; m++)
            {
                var p = members[m];
                for (int c = 0; c < classes; c++) destination[c] += weights[m] * Math.Log(Math.Max(p[r, c], ProbabilityFloor));
            }

            double max = destination.Max(), total = 0;
            for (int c = 0; c < classes; c++)
            {
                destination[c] = Math.Exp(destination[c] - max);
                total += destination[c];
            }

            for (int c = 0; c < classes; c++) destination[c] /= total;
            return;
        }

        for (int m = 0; m < members.Count; m++)
        {
            var p = members[m];
            for (int c = 0; c < classes; c++) destination[c] += weights[m] * p[r, c];
        }
    }
}
