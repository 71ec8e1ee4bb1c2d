using System.Globalization;
using System.Text;

namespace Mnist;

/// <summary>
/// Per-class precision, recall, F1 and support with accuracy, macro and weighted averages — the content of
/// scikit-learn's <c>classification_report</c>. Obtain one from <see cref="ConfusionMatrix.GetReport"/>.
/// </summary>
/// <param name="Classes">One row per class, in class-index order.</param>
/// <param name="Accuracy">Correct predictions / all predictions.</param>
/// <param name="MacroAverage">Unweighted mean over the classes.</param>
/// <param name="WeightedAverage">Mean over the classes weighted by their support.</param>
/// <param name="Total">Number of samples.</param>
public sealed record ClassificationReport(
    IReadOnlyList<ClassMetrics> Classes,
    double Accuracy,
    AverageMetrics MacroAverage,
    AverageMetrics WeightedAverage,
    long Total)
{
    /// <summary>The report as a fixed-width text table (invariant culture, 4 decimals), like scikit-learn prints it.</summary>
    public override string ToString()
    {
        var ci = CultureInfo.InvariantCulture;
        int nameWidth = Math.Max("weighted avg".Length, Classes.Count == 0 ? 0 : Classes.Max(c => c.ClassName.Length));
        var sb = new StringBuilder();
        sb.Append(' ', nameWidth).AppendLine("  precision     recall   f1-score    support");
        sb.AppendLine();
        foreach (var c in Classes)
        {
            sb.Append(c.ClassName.PadLeft(nameWidth))
              .Append(string.Format(ci, "  {0,9:F4}  {1,9:F4}  {2,9:F4}  {3,9}", c.Precision, c.Recall, c.F1, c.Support))
              .AppendLine();
        }

        sb.AppendLine();
        sb.Append("accuracy".PadLeft(nameWidth))
          .Append(string.Format(ci, "  {0,9}  {1,9}  {2,9:F4}  {3,9}", string.Empty, string.Empty, Accuracy, Total))
          .AppendLine();
        AppendAverage(sb, "macro avg", MacroAverage, nameWidth, ci);
        AppendAverage(sb, "weighted avg", WeightedAverage, nameWidth, ci);
        return sb.ToString();
    }

    private static void AppendAverage(StringBuilder sb, string name, AverageMetrics a, int nameWidth, CultureInfo ci) =>
        sb.Append(name.PadLeft(nameWidth))
          .Append(string.Format(ci, "  {0,9:F4}  {1,9:F4}  {2,9:F4}  {3,9}", a.Precision, a.Recall, a.F1, a.Support))
          .AppendLine();
}
