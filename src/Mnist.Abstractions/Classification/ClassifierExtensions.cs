using Mnist.Training;

namespace Mnist.Models;

/// <summary>Prediction and evaluation over plain arrays for any <see cref="IClassifier"/>.</summary>
public static class ClassifierExtensions
{
    /// <summary>The most probable class of each of <paramref name="count"/> images (first maximum on ties; Keras <c>predict_classes</c>).</summary>
    /// <param name="classifier">The classifier.</param>
    /// <param name="images">The images, as for <see cref="IClassifier.PredictProba"/>.</param>
    /// <param name="count">How many images <paramref name="images"/> holds.</param>
    public static int[] PredictClasses(this IClassifier classifier, ReadOnlySpan<float> images, int count)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        return classifier.PredictProba(images, count).ArgMax();
    }

    /// <summary>
    /// Accuracy and loss on labelled images. The loss is <see cref="ClassProbabilities.CrossEntropy"/> of the predicted
    /// float32 probabilities, −(1/N) Σ ln max(p[n, yₙ], <see cref="ClassProbabilities.ProbabilityFloor"/>): the same
    /// definition for every classifier and every overload.
    /// </summary>
    /// <param name="classifier">The classifier.</param>
    /// <param name="images">One image per label, as for <see cref="IClassifier.PredictProba"/>.</param>
    /// <param name="labels">The true class index of each image.</param>
    /// <exception cref="ArgumentException">No images, the lengths disagree, or a label is outside [0, <see cref="IClassifier.ClassCount"/>).</exception>
    public static EvaluationResult Evaluate(this IClassifier classifier, ReadOnlySpan<float> images, ReadOnlySpan<int> labels)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        return EvaluationResult.From(classifier.PredictProba(images, labels.Length), labels);
    }
}
