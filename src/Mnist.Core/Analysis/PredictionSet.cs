using System.Globalization;
using MathNet.Numerics.Statistics;
using Mnist.Models;

namespace Mnist;

/// <summary>
/// The class probabilities a model predicted for N samples (N × C, row-major) with the samples' true labels:
/// picks wrong, right and most uncertain predictions as <see cref="PredictionSample"/>s and builds the
/// <see cref="ConfusionMatrix"/>. Independent of any model type: feed it the output of <c>PredictProba</c>
/// or an ensemble average. Immutable (the inputs are copied).
/// </summary>
public sealed class PredictionSet
{
    /// <summary>How far a probability row may sum away from 1 (float rounding of softmax and averaging).</summary>
    public const double RowSumTolerance = 1e-3;

    private readonly float[] _probabilities;
    private readonly int[] _trueLabels;
    private readonly int[] _predicted;

    /// <summary>Creates a set from a classifier's predicted probabilities (e.g. <c>PredictProba</c>'s result).</summary>
    /// <param name="probabilities">N × C probabilities (already validated).</param>
    /// <param name="trueLabels">N true class indices.</param>
    /// <exception cref="ArgumentNullException"><paramref name="probabilities"/> is null.</exception>
    /// <exception cref="ArgumentException">There are no samples, the label count differs, or a label is out of range.</exception>
    public PredictionSet(ClassProbabilities probabilities, ReadOnlySpan<int> trueLabels)
        : this(NotNull(probabilities).Values, probabilities.SampleCount, trueLabels)
    {
    }

    /// <inheritdoc cref="PredictionSet(ClassProbabilities, ReadOnlySpan{int})"/>
    public PredictionSet(ClassProbabilities probabilities, ReadOnlySpan<byte> trueLabels)
        : this(NotNull(probabilities).Values, probabilities.SampleCount, ToInts(trueLabels))
    {
    }

    /// <summary>Creates a set from N × C probabilities stored row-major (sample after sample).</summary>
    /// <param name="probabilities">N × C values; row i holds P(sample i is class c) for c = 0..C−1.</param>
    /// <param name="sampleCount">N; the class count C is the span length / N.</param>
    /// <param name="trueLabels">N true class indices.</param>
    /// <exception cref="ArgumentException">Sizes disagree, a probability is not finite or outside [0, 1], a row does not sum to 1, or a label is out of range.</exception>
    public PredictionSet(ReadOnlySpan<float> probabilities, int sampleCount, ReadOnlySpan<int> trueLabels)
    {
        if (sampleCount <= 0) throw new ArgumentOutOfRangeException(nameof(sampleCount), sampleCount, "At least one sample is required.");
        if (probabilities.Length == 0 || probabilities.Length % sampleCount != 0)
            throw new ArgumentException($"{probabilities.Length} probabilities do not split into {sampleCount} rows of equal length.", nameof(probabilities));
        if (trueLabels.Length != sampleCount)
            throw new ArgumentException($"{sampleCount} probability rows but {trueLabels.Length} true labels.", nameof(trueLabels));

        int classCount = probabilities.Length / sampleCount;
        _probabilities = probabilities.ToArray();
        _trueLabels = trueLabels.ToArray();
        _predicted = new int[sampleCount];
        Count = sampleCount;
        ClassCount = classCount;
        for (int i = 0; i < sampleCount; i++)
        {
            if ((uint)_trueLabels[i] >= (uint)classCount)
                throw new ArgumentException($"True label {_trueLabels[i]} at index {i} is outside the {classCount} classes.", nameof(trueLabels));
            var row = GetProbabilities(i);
            double sum = 0;
            int best = 0;
            for (int c = 0; c < classCount; c++)
            {
                float p = row[c];
                if (!float.IsFinite(p) || p < 0 || p > 1 + RowSumTolerance)
                    throw new ArgumentException($"Probability [{i}, {c}] = {p.ToString(CultureInfo.InvariantCulture)} is not in [0, 1] (logits instead of softmax output?).", nameof(probabilities));
                sum += p;
                if (p > row[best]) best = c;
            }

            if (Math.Abs(sum - 1) > RowSumTolerance)
                throw new ArgumentException($"Probabilities of sample {i} sum to {sum.ToString("G6", CultureInfo.InvariantCulture)}, not 1.", nameof(probabilities));
            _predicted[i] = best;
        }

        CorrectCount = _predicted.Where((p, i) => p == _trueLabels[i]).Count();
    }

    /// <summary>Creates a set from row-major probabilities and byte labels (as <c>MnistDataset.Labels</c> holds them).</summary>
    /// <inheritdoc cref="PredictionSet(ReadOnlySpan{float}, int, ReadOnlySpan{int})"/>
    public PredictionSet(ReadOnlySpan<float> probabilities, int sampleCount, ReadOnlySpan<byte> trueLabels)
        : this(probabilities, sampleCount, ToInts(trueLabels))
    {
    }

    /// <summary>Number of samples N.</summary>
    public int Count { get; }

    /// <summary>Number of classes C.</summary>
    public int ClassCount { get; }

    /// <summary>Number of samples whose most probable class is the true one.</summary>
    public int CorrectCount { get; }

    /// <summary><see cref="CorrectCount"/> / <see cref="Count"/>.</summary>
    public double Accuracy => (double)CorrectCount / Count;

    /// <summary>The true labels, in sample order.</summary>
    public ReadOnlySpan<int> TrueLabels => _trueLabels;

    /// <summary>The predicted labels (arg-max of each row, lowest index on ties), in sample order.</summary>
    public ReadOnlySpan<int> PredictedLabels => _predicted;

    /// <summary>The C probabilities of sample <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside [0, <see cref="Count"/>).</exception>
    public ReadOnlySpan<float> GetProbabilities(int index)
    {
        CheckIndex(index);
        return new ReadOnlySpan<float>(_probabilities, index * ClassCount, ClassCount);
    }

    /// <summary>
    /// The uncertainty score of sample <paramref name="index"/>: the population standard deviation of its probabilities
    /// (low = uncertain) or their entropy in nats (high = uncertain). Rows holding the same values in any order score the same.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range or <paramref name="measure"/> unknown.</exception>
    public double GetUncertainty(int index, UncertaintyMeasure measure)
    {
        var row = GetProbabilities(index);
        // Sorted first, so that rows holding the same values in another order get bit-identical scores (and tie).
        var values = new double[row.Length];
        for (int c = 0; c < row.Length; c++) values[c] = row[c];
        Array.Sort(values);
        switch (measure)
        {
            case UncertaintyMeasure.StandardDeviation:
                return ArrayStatistics.PopulationStandardDeviation(values);
            case UncertaintyMeasure.Entropy:
                double entropy = 0;
                foreach (double p in values)
                {
                    if (p > 0) entropy -= p * Math.Log(p);
                }

                return entropy;
            default:
                throw new ArgumentOutOfRangeException(nameof(measure), measure, "Unknown uncertainty measure.");
        }
    }

    /// <summary>Sample <paramref name="index"/> with its labels and its <paramref name="topCount"/> most probable classes.</summary>
    /// <param name="index">The sample index.</param>
    /// <param name="topCount">How many classes to list (capped at <see cref="ClassCount"/>); default 3.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range or <paramref name="topCount"/> is not positive.</exception>
    public PredictionSample GetSample(int index, int topCount = 3)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(topCount);
        var row = GetProbabilities(index);
        var top = new ClassProbability[Math.Min(topCount, ClassCount)];
        var order = Enumerable.Range(0, ClassCount).ToArray();
        var keys = row.ToArray();
        // Stable descending order: higher probability first, lower class index first on ties.
        Array.Sort(order, (a, b) => keys[b] != keys[a] ? keys[b].CompareTo(keys[a]) : a.CompareTo(b));
        for (int k = 0; k < top.Length; k++) top[k] = new ClassProbability(order[k], keys[order[k]]);
        return new PredictionSample(index, _trueLabels[index], _predicted[index], top);
    }

    /// <summary>The first <paramref name="maxCount"/> wrongly classified samples, in sample order.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxCount"/> is negative.</exception>
    public IReadOnlyList<PredictionSample> Wrong(int maxCount) => Where(maxCount, correct: false);

    /// <summary>The first <paramref name="maxCount"/> correctly classified samples, in sample order.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxCount"/> is negative.</exception>
    public IReadOnlyList<PredictionSample> Right(int maxCount) => Where(maxCount, correct: true);

    /// <summary>
    /// The <paramref name="maxCount"/> samples the model was least sure about, most uncertain first: lowest standard
    /// deviation of the probabilities (the notebook's choice) or highest entropy. Ties go to the lower sample index.
    /// </summary>
    /// <param name="maxCount">How many samples at most.</param>
    /// <param name="measure">The ranking; default <see cref="UncertaintyMeasure.StandardDeviation"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxCount"/> is negative or <paramref name="measure"/> unknown.</exception>
    public IReadOnlyList<PredictionSample> MostUncertain(int maxCount, UncertaintyMeasure measure = UncertaintyMeasure.StandardDeviation)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        if (!Enum.IsDefined(measure)) throw new ArgumentOutOfRangeException(nameof(measure), measure, "Unknown uncertainty measure.");
        var scores = new double[Count];
        for (int i = 0; i < Count; i++) scores[i] = GetUncertainty(i, measure);
        // Standard deviation: ascending (flat = uncertain); entropy: descending. OrderBy is stable, so ties keep index order.
        var ranked = measure == UncertaintyMeasure.StandardDeviation
            ? Enumerable.Range(0, Count).OrderBy(i => scores[i])
            : Enumerable.Range(0, Count).OrderByDescending(i => scores[i]);
        return ranked.Take(maxCount).Select(i => GetSample(i)).ToArray();
    }

    /// <summary>The confusion matrix of true versus predicted labels.</summary>
    /// <param name="classNames">Display names, <see cref="ClassCount"/> of them; default "0", "1", ….</param>
    /// <exception cref="ArgumentException"><paramref name="classNames"/> does not have <see cref="ClassCount"/> entries.</exception>
    public ConfusionMatrix ToConfusionMatrix(IReadOnlyList<string>? classNames = null)
    {
        classNames ??= Enumerable.Range(0, ClassCount).Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray();
        if (classNames.Count != ClassCount)
            throw new ArgumentException($"{ClassCount} classes need {ClassCount} class names; got {classNames.Count}.", nameof(classNames));
        return new ConfusionMatrix(_trueLabels, _predicted, classNames);
    }

    private PredictionSample[] Where(int maxCount, bool correct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        var result = new List<PredictionSample>();
        for (int i = 0; i < Count && result.Count < maxCount; i++)
        {
            if ((_predicted[i] == _trueLabels[i]) == correct) result.Add(GetSample(i));
        }

        return result.ToArray();
    }

    private void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"Index must be in [0, {Count}).");
    }

    private static ClassProbabilities NotNull(ClassProbabilities probabilities)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        return probabilities;
    }

    private static int[] ToInts(ReadOnlySpan<byte> labels)
    {
        var ints = new int[labels.Length];
        for (int i = 0; i < labels.Length; i++) ints[i] = labels[i];
        return ints;
    }
}
