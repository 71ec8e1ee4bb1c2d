
namespace Mnist.Predict.Classification;

/// <summary>The class probabilities a classifier gave one image file.</summary>
/// <param name="Source">The image file.</param>
/// <param name="Probabilities">One probability per class, summing to 1.</param>
public sealed record DigitPrediction(string Source, IReadOnlyList<float> Probabilities)
{
    /// <summary>The <paramref name="count"/> most probable classes, most probable first (ties: lower class first).</summary>
    /// <param name="count">How many classes (clamped to the number of classes).</param>
    public IReadOnlyList<ClassProbability> Top(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return Probabilities
            .Select((p, c) => new ClassProbability(c, p))
            .OrderByDescending(cp => cp.Probability)
            .ThenBy(cp => cp.ClassIndex)
            .Take(count)
            .ToArray();
    }

    /// <summary>The most probable class.</summary>
    public int PredictedClass => Top(1)[0].ClassIndex;
}
