using Mnist.Models;

namespace Mnist.Training;

/// <summary>What <c>Evaluate</c> measured (Keras returns [loss, acc]).</summary>
/// <param name="Loss">Mean categorical cross-entropy (<see cref="ClassProbabilities.CrossEntropy"/>).</param>
/// <param name="Accuracy">Fraction of samples whose most probable class is the true one.</param>
/// <param name="SampleCount">Number of samples evaluated.</param>
public sealed record EvaluationResult(double Loss, double Accuracy, int SampleCount)
{
    /// <summary>The scores of <paramref name="probabilities"/> against <paramref name="labels"/>.</summary>
    /// <param name="probabilities">One row per sample.</param>
    /// <param name="labels">The true class index of each sample.</param>
    /// <exception cref="ArgumentException">No samples, the counts disagree, or a label is out of range.</exception>
    public static EvaluationResult From(ClassProbabilities probabilities, ReadOnlySpan<int> labels)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        return new EvaluationResult(probabilities.CrossEntropy(labels), probabilities.Accuracy(labels), labels.Length);
    }
}
