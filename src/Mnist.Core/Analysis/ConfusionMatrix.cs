using System.Globalization;
using System.Text;
using MathNet.Numerics.LinearAlgebra;

namespace Mnist;

/// <summary>
/// Counts of (true class, predicted class) pairs, backed by a MathNet.Numerics <see cref="Matrix{T}"/>:
/// <c>counts[true, predicted]</c>. Rows are true labels, columns predictions, as in scikit-learn and Keras tutorials.
/// Gives accuracy and per-class precision, recall, F1 and support plus their macro and weighted averages. Immutable.
/// </summary>
/// <remarks>
/// A class that is never predicted has precision 0, and a class that never occurs has recall 0 (scikit-learn's
/// <c>zero_division=0</c>); F1 is 0 when precision and recall are both 0.
/// </remarks>
public sealed class ConfusionMatrix
{
    private readonly Matrix<double> _counts;
    private readonly Vector<double> _rowSums;
    private readonly Vector<double> _columnSums;
    private readonly ClassMetrics[] _classes;

    /// <summary>Counts the (true, predicted) pairs of <paramref name="trueLabels"/> and <paramref name="predictedLabels"/>.</summary>
    /// <param name="trueLabels">The true class of every sample.</param>
    /// <param name="predictedLabels">The predicted class of every sample, same length as <paramref name="trueLabels"/>.</param>
    /// <param name="classNames">Display names of the classes; their count fixes the matrix size.</param>
    /// <exception cref="ArgumentNullException"><paramref name="classNames"/> is null.</exception>
    /// <exception cref="ArgumentException">The spans are empty or differ in length, there are no classes, or a label is outside [0, class count).</exception>
    public ConfusionMatrix(ReadOnlySpan<int> trueLabels, ReadOnlySpan<int> predictedLabels, IReadOnlyList<string> classNames)
        : this(Count(trueLabels, predictedLabels, classNames), classNames)
    {
    }

    private ConfusionMatrix(Matrix<double> counts, IReadOnlyList<string> classNames)
    {
        _counts = counts;
        ClassNames = classNames.ToArray();
        _rowSums = counts.RowSums();
        _columnSums = counts.ColumnSums();
        Total = (long)_rowSums.Sum();
        Correct = (long)counts.Diagonal().Sum();
        if (Total == 0) throw new ArgumentException("A confusion matrix needs at least one sample.", nameof(counts));
        _classes = new ClassMetrics[ClassCount];
        for (int c = 0; c < ClassCount; c++)
        {
            double tp = counts[c, c];
            double precision = _columnSums[c] > 0 ? tp / _columnSums[c] : 0;
            double recall = _rowSums[c] > 0 ? tp / _rowSums[c] : 0;
            double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
            _classes[c] = new ClassMetrics(c, ClassNames[c], precision, recall, f1, (long)_rowSums[c]);
        }
    }

    /// <summary>Builds a confusion matrix from existing counts (rows: true class, columns: predicted class).</summary>
    /// <param name="counts">A square matrix of non-negative whole numbers with at least one non-zero entry; it is copied.</param>
    /// <param name="classNames">Display names, one per row.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The matrix is not square, does not match the class names, or holds a negative, fractional or non-finite count, or only zeros.</exception>
    public static ConfusionMatrix FromCounts(Matrix<double> counts, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ValidateClassNames(classNames);
        if (counts.RowCount != counts.ColumnCount)
            throw new ArgumentException($"Confusion counts must be square; got {counts.RowCount}×{counts.ColumnCount}.", nameof(counts));
        if (counts.RowCount != classNames.Count)
            throw new ArgumentException($"{counts.RowCount}×{counts.RowCount} counts need {counts.RowCount} class names; got {classNames.Count}.", nameof(classNames));
        foreach (var (row, column, value) in counts.EnumerateIndexed())
        {
            if (!double.IsFinite(value) || value < 0 || value != Math.Floor(value))
                throw new ArgumentException($"Count [{row}, {column}] = {value.ToString(CultureInfo.InvariantCulture)} is not a non-negative whole number.", nameof(counts));
        }

        return new ConfusionMatrix(counts.Clone(), classNames);
    }

    /// <summary>Display names of the classes, in index order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Number of classes (rows = columns).</summary>
    public int ClassCount => ClassNames.Count;

    /// <summary>Number of samples counted.</summary>
    public long Total { get; }

    /// <summary>Number of samples on the diagonal (predicted = true).</summary>
    public long Correct { get; }

    /// <summary><see cref="Correct"/> / <see cref="Total"/>.</summary>
    public double Accuracy => (double)Correct / Total;

    /// <summary>How many samples of true class <paramref name="trueClass"/> were predicted as <paramref name="predictedClass"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [0, <see cref="ClassCount"/>).</exception>
    public long this[int trueClass, int predictedClass]
    {
        get
        {
            CheckClass(trueClass, nameof(trueClass));
            CheckClass(predictedClass, nameof(predictedClass));
            return (long)_counts[trueClass, predictedClass];
        }
    }

    /// <summary>Per-class precision, recall, F1 and support, in class-index order.</summary>
    public IReadOnlyList<ClassMetrics> Classes => _classes;

    /// <summary>Unweighted mean of the per-class precisions.</summary>
    public double MacroPrecision => _classes.Average(c => c.Precision);

    /// <summary>Unweighted mean of the per-class recalls.</summary>
    public double MacroRecall => _classes.Average(c => c.Recall);

    /// <summary>Unweighted mean of the per-class F1 scores.</summary>
    public double MacroF1 => _classes.Average(c => c.F1);

    /// <summary>Precision of class <paramref name="classIndex"/> (see <see cref="ClassMetrics.Precision"/>).</summary>
    public double Precision(int classIndex) => GetClass(classIndex).Precision;

    /// <summary>Recall of class <paramref name="classIndex"/> (see <see cref="ClassMetrics.Recall"/>).</summary>
    public double Recall(int classIndex) => GetClass(classIndex).Recall;

    /// <summary>F1 score of class <paramref name="classIndex"/> (see <see cref="ClassMetrics.F1"/>).</summary>
    public double F1(int classIndex) => GetClass(classIndex).F1;

    /// <summary>Number of samples whose true class is <paramref name="classIndex"/>.</summary>
    public long Support(int classIndex) => GetClass(classIndex).Support;

    /// <summary>A copy of the counts as a MathNet matrix (rows: true class, columns: predicted class).</summary>
    public Matrix<double> ToMatrix() => _counts.Clone();

    /// <summary>Number of samples per true class (the row sums), as a copy.</summary>
    public Vector<double> TrueClassTotals() => _rowSums.Clone();

    /// <summary>Number of predictions per class (the column sums), as a copy.</summary>
    public Vector<double> PredictedClassTotals() => _columnSums.Clone();

    /// <summary>
    /// The counts divided by their row sums: entry [t, p] is the fraction of class t predicted as p
    /// (rows of classes that never occur stay 0).
    /// </summary>
    public Matrix<double> ToRowNormalizedMatrix()
    {
        var normalized = _counts.Clone();
        for (int r = 0; r < ClassCount; r++)
        {
            if (_rowSums[r] > 0) normalized.SetRow(r, _counts.Row(r) / _rowSums[r]);
        }

        return normalized;
    }

    /// <summary>Per-class metrics with accuracy, macro and support-weighted averages.</summary>
    public ClassificationReport GetReport()
    {
        var macro = new AverageMetrics(MacroPrecision, MacroRecall, MacroF1, Total);
        var weighted = new AverageMetrics(
            _classes.Sum(c => c.Precision * c.Support) / Total,
            _classes.Sum(c => c.Recall * c.Support) / Total,
            _classes.Sum(c => c.F1 * c.Support) / Total,
            Total);
        return new ClassificationReport(_classes, Accuracy, macro, weighted, Total);
    }

    /// <summary>The counts as a text table: one row per true class, one column per predicted class, invariant culture.</summary>
    public override string ToString()
    {
        var ci = CultureInfo.InvariantCulture;
        const string corner = "true \\ pred";
        int nameWidth = Math.Max(corner.Length, ClassNames.Max(n => n.Length));
        int cellWidth = Math.Max(ClassNames.Max(n => n.Length), _counts.Enumerate().Max(v => ((long)v).ToString(ci).Length)) + 1;
        cellWidth = Math.Max(cellWidth, 4);
        var sb = new StringBuilder();
        sb.Append(corner.PadRight(nameWidth)).Append(" |");
        foreach (var name in ClassNames) sb.Append(name.PadLeft(cellWidth));
        sb.AppendLine();
        sb.Append('-', nameWidth + 2 + cellWidth * ClassCount).AppendLine();
        for (int r = 0; r < ClassCount; r++)
        {
            sb.Append(ClassNames[r].PadRight(nameWidth)).Append(" |");
            for (int c = 0; c < ClassCount; c++) sb.Append(((long)_counts[r, c]).ToString(ci).PadLeft(cellWidth));
            sb.AppendLine();
        }

        sb.Append(string.Format(ci, "accuracy {0:F4} ({1} of {2})", Accuracy, Correct, Total)).AppendLine();
        return sb.ToString();
    }

    private static Matrix<double> Count(ReadOnlySpan<int> trueLabels, ReadOnlySpan<int> predictedLabels, IReadOnlyList<string> classNames)
    {
        ValidateClassNames(classNames);
        if (trueLabels.Length != predictedLabels.Length)
            throw new ArgumentException($"{trueLabels.Length} true labels but {predictedLabels.Length} predicted labels; one per sample is required.", nameof(predictedLabels));
        if (trueLabels.IsEmpty) throw new ArgumentException("A confusion matrix needs at least one sample.", nameof(trueLabels));
        int classCount = classNames.Count;
        var counts = Matrix<double>.Build.Dense(classCount, classCount);
        for (int i = 0; i < trueLabels.Length; i++)
        {
            int t = trueLabels[i], p = predictedLabels[i];
            if ((uint)t >= (uint)classCount)
                throw new ArgumentException($"True label {t} at index {i} is outside the {classCount} classes.", nameof(trueLabels));
            if ((uint)p >= (uint)classCount)
                throw new ArgumentException($"Predicted label {p} at index {i} is outside the {classCount} classes.", nameof(predictedLabels));
            counts[t, p] += 1;
        }

        return counts;
    }

    private static void ValidateClassNames(IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        if (classNames.Count == 0) throw new ArgumentException("At least one class name is required.", nameof(classNames));
        for (int i = 0; i < classNames.Count; i++)
        {
            if (classNames[i] is null) throw new ArgumentException($"Class name {i} is null.", nameof(classNames));
        }
    }

    private ClassMetrics GetClass(int classIndex)
    {
        CheckClass(classIndex, nameof(classIndex));
        return _classes[classIndex];
    }

    private void CheckClass(int classIndex, string parameterName)
    {
        if ((uint)classIndex >= (uint)ClassCount)
            throw new ArgumentOutOfRangeException(parameterName, classIndex, $"Class index must be in [0, {ClassCount}).");
    }
}
