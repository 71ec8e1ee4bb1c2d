namespace Mnist.Models;

/// <summary>
/// Immutable class probabilities for N samples over C classes (N × C float32, row-major): what every
/// <see cref="IClassifier"/> predicts. Each row is validated on construction: finite, ≥ 0 and summing to 1 within
/// <see cref="RowSumTolerance"/>. Rows are read as spans without copying.
/// </summary>
public sealed class ClassProbabilities
{
    /// <summary>How far a row may sum away from 1: 1e-3 (float32 rounding of softmax and of ensemble averaging).</summary>
    public const double RowSumTolerance = 1e-3;

    /// <summary>
    /// Smallest probability used inside a logarithm: 1e-12 (ln ≈ −27.63). <see cref="CrossEntropy"/> floors the true
    /// class's probability at it, so a probability of exactly 0 gives a large finite loss instead of +∞.
    /// </summary>
    public const double ProbabilityFloor = 1e-12;

    private readonly float[] _values;
    private int[]? _predicted;

    /// <summary>Copies and validates N × C probabilities stored row-major (sample after sample).</summary>
    /// <param name="values">N × C values; row i holds P(sample i is class c) for c = 0..C−1.</param>
    /// <param name="sampleCount">N (0 or more).</param>
    /// <param name="classCount">C (1 or more).</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is out of range.</exception>
    /// <exception cref="ArgumentException">The length is not N × C, or a row is not a probability distribution.</exception>
    public ClassProbabilities(ReadOnlySpan<float> values, int sampleCount, int classCount)
        : this(values.ToArray(), sampleCount, classCount, fromClassifier: false)
    {
    }

    /// <summary>Takes ownership of <paramref name="values"/> (no copy) and validates it.</summary>
    /// <param name="values">The values.</param>
    /// <param name="sampleCount">N.</param>
    /// <param name="classCount">C.</param>
    /// <param name="fromClassifier">
    /// Whether a classifier just computed the values: an invalid row is then an <see cref="InvalidProbabilitiesException"/>
    /// (a broken model), else an <see cref="ArgumentException"/> (a bad argument).
    /// </param>
    private ClassProbabilities(float[] values, int sampleCount, int classCount, bool fromClassifier)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sampleCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        if ((long)sampleCount * classCount != values.Length)
            throw new ArgumentException($"{values.Length} values are not {sampleCount} rows of {classCount} classes.", nameof(values));
        _values = values;
        SampleCount = sampleCount;
        ClassCount = classCount;
        for (int i = 0; i < sampleCount; i++)
        {
            if (RowProblem(i) is not { } problem) continue;
            if (fromClassifier) throw new InvalidProbabilitiesException(i, $"The classifier's output is not a probability distribution: {problem} Its weights are probably NaN or infinite.");
            throw new ArgumentException(problem, nameof(values));
        }
    }

    /// <summary>N, the number of samples (rows).</summary>
    public int SampleCount { get; }

    /// <summary>C, the number of classes (columns).</summary>
    public int ClassCount { get; }

    /// <summary>All N × C values, row-major.</summary>
    public ReadOnlySpan<float> Values => _values;

    /// <summary>The C probabilities of sample <paramref name="sample"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sample"/> is outside [0, N).</exception>
    public ReadOnlySpan<float> this[int sample] => Row(sample);

    /// <summary>P(sample <paramref name="sample"/> is class <paramref name="classIndex"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public float this[int sample, int classIndex]
    {
        get
        {
            if ((uint)classIndex >= (uint)ClassCount)
                throw new ArgumentOutOfRangeException(nameof(classIndex), classIndex, $"The class must be in [0, {ClassCount}).");
            return Row(sample)[classIndex];
        }
    }

    /// <summary>The most probable class of every sample (first maximum on ties), cached.</summary>
    public IReadOnlyList<int> PredictedClasses => _predicted ??= ComputeArgMax();

    /// <summary>The C probabilities of sample <paramref name="sample"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sample"/> is outside [0, N).</exception>
    public ReadOnlySpan<float> Row(int sample)
    {
        if ((uint)sample >= (uint)SampleCount)
            throw new ArgumentOutOfRangeException(nameof(sample), sample, $"The sample must be in [0, {SampleCount}).");
        return _values.AsSpan(sample * ClassCount, ClassCount);
    }

    /// <summary>The most probable class of sample <paramref name="sample"/> (the first maximum on ties).</summary>
    public int ArgMax(int sample) => ArgMax(Row(sample));

    /// <summary>The most probable class of every sample (the first maximum on ties), as a new array.</summary>
    public int[] ArgMax() => (int[])((int[])PredictedClasses).Clone();

    /// <summary>
    /// The <paramref name="k"/> most probable classes of sample <paramref name="sample"/>, most probable first (lower
    /// class index first on ties); <paramref name="k"/> is capped at <see cref="ClassCount"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sample"/> is out of range or <paramref name="k"/> &lt; 1.</exception>
    public RankedClass[] TopK(int sample, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var row = Row(sample);
        var order = new int[ClassCount];
        for (int c = 0; c < order.Length; c++) order[c] = c;
        var keys = row.ToArray();
        // Stable: descending probability, ascending class index on ties.
        Array.Sort(order, (a, b) => keys[a] != keys[b] ? keys[b].CompareTo(keys[a]) : a.CompareTo(b));
        int take = Math.Min(k, ClassCount);
        var result = new RankedClass[take];
        for (int i = 0; i < take; i++) result[i] = new RankedClass(order[i], keys[order[i]]);
        return result;
    }

    /// <summary>
    /// Mean categorical cross-entropy −(1/N) Σ ln max(p[n, yₙ], <see cref="ProbabilityFloor"/>), computed in double
    /// precision: the loss every evaluation of an <see cref="IClassifier"/> reports.
    /// </summary>
    /// <param name="labels">One class index per sample.</param>
    /// <exception cref="ArgumentException">Counts differ, there are no samples, or a label is outside [0, C).</exception>
    public double CrossEntropy(ReadOnlySpan<int> labels)
    {
        CheckLabels(labels);
        double sum = 0;
        for (int i = 0; i < SampleCount; i++) sum -= Math.Log(Math.Max(_values[(i * ClassCount) + labels[i]], ProbabilityFloor));
        return sum / SampleCount;
    }

    /// <summary>The fraction of samples whose <see cref="PredictedClasses"/> entry equals the label.</summary>
    /// <param name="labels">One class index per sample.</param>
    /// <exception cref="ArgumentException">Counts differ, there are no samples, or a label is outside [0, C).</exception>
    public double Accuracy(ReadOnlySpan<int> labels)
    {
        CheckLabels(labels);
        var predicted = PredictedClasses;
        int correct = 0;
        for (int i = 0; i < SampleCount; i++)
        {
            if (predicted[i] == labels[i]) correct++;
        }

        return (double)correct / SampleCount;
    }

    /// <summary>A copy of all N × C values, row-major.</summary>
    public float[] ToArray() => (float[])_values.Clone();

    /// <summary>Validates and wraps what a classifier just produced and no one will touch again (no copy).</summary>
    /// <exception cref="InvalidProbabilitiesException">A row is not a probability distribution.</exception>
    internal static ClassProbabilities Wrap(float[] values, int sampleCount, int classCount) => new(values, sampleCount, classCount, fromClassifier: true);

    private static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int c = 1; c < row.Length; c++)
        {
            if (row[c] > row[best]) best = c;
        }

        return best;
    }

    private int[] ComputeArgMax()
    {
        var result = new int[SampleCount];
        for (int i = 0; i < SampleCount; i++) result[i] = ArgMax(_values.AsSpan(i * ClassCount, ClassCount));
        return result;
    }

    private string? RowProblem(int i)
    {
        var row = _values.AsSpan(i * ClassCount, ClassCount);
        double sum = 0;
        for (int c = 0; c < row.Length; c++)
        {
            float p = row[c];
            if (!float.IsFinite(p) || p < 0) return $"Probability [{i}, {c}] = {p} is not a finite number ≥ 0.";
            sum += p;
        }

        return Math.Abs(sum - 1) > RowSumTolerance ? $"The probabilities of sample {i} sum to {sum}, not 1 (tolerance {RowSumTolerance})." : null;
    }

    private void CheckLabels(ReadOnlySpan<int> labels)
    {
        if (labels.Length != SampleCount) throw new ArgumentException($"{SampleCount} probability rows but {labels.Length} labels.", nameof(labels));
        if (SampleCount == 0) throw new ArgumentException("There are no samples.", nameof(labels));
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)ClassCount)
                throw new ArgumentException($"Label {labels[i]} of sample {i} is outside [0, {ClassCount}).", nameof(labels));
        }
    }
}
