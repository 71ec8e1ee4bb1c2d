using System.Globalization;
using System.Text;
using Mnist.Models;
using Mnist.Training;

namespace Mnist.Ensemble;

/// <summary>
/// Each member's loss and accuracy and the combined prediction's, on the same samples (the notebook evaluates every member,
/// then the ensemble). <see cref="ToString"/> prints them as a table.
/// </summary>
/// <param name="Members">Per-member scores, in member order.</param>
/// <param name="Combined">
/// The ensemble: accuracy of the combined probabilities' arg-max and the mean cross-entropy of the combined probabilities
/// (floored at <see cref="ClassProbabilities.ProbabilityFloor"/>).
/// </param>
/// <param name="Combination">The rule that produced <see cref="Combined"/>.</param>
public sealed record EnsembleEvaluation(IReadOnlyList<MemberEvaluation> Members, EvaluationResult Combined, EnsembleCombination Combination)
{
    /// <summary>Number of samples evaluated.</summary>
    public int SampleCount => Combined.SampleCount;

    /// <summary>The member with the lowest accuracy (the first on ties).</summary>
    public MemberEvaluation WeakestMember => Members.MinBy(m => m.Accuracy)!;

    /// <summary>
    /// The combined class probabilities (N × classes, in data order) the scores were computed from, so that analysis
    /// (confusion matrix, uncertain samples) needs no second pass; <see langword="null"/> when not collected.
    /// </summary>
    public ClassProbabilities? Probabilities { get; init; }

    /// <summary>The member with the highest accuracy (the first on ties).</summary>
    public MemberEvaluation BestMember => Members.MaxBy(m => m.Accuracy)!;

    /// <summary>
    /// The table, e.g.
    /// <code>
    /// model        loss      acc
    /// member 1   0.0612   0.9800
    /// member 2   0.0450   0.9860
    /// ensemble   0.0301   0.9904
    /// (10000 samples, ArithmeticMean of 2 members)
    /// </code>
    /// </summary>
    public override string ToString()
    {
        var inv = CultureInfo.InvariantCulture;
        var rows = Members.Select(m => ($"member {m.MemberNumber.ToString(inv)}", m.Loss, m.Accuracy))
            .Append(("ensemble", Combined.Loss, Combined.Accuracy))
            .ToList();
        int nameWidth = Math.Max(5, rows.Max(r => r.Item1.Length));
        var sb = new StringBuilder();
        sb.Append("model".PadRight(nameWidth)).Append("loss".PadLeft(9)).AppendLine("acc".PadLeft(9));
        foreach (var (name, loss, accuracy) in rows)
        {
            sb.Append(name.PadRight(nameWidth)).Append(loss.ToString("F4", inv).PadLeft(9)).AppendLine(accuracy.ToString("F4", inv).PadLeft(9));
        }

        sb.Append(inv, $"({SampleCount} samples, {Combination} of {Members.Count} member{(Members.Count == 1 ? string.Empty : "s")})");
        return sb.ToString();
    }
}
