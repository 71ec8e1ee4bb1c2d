using Mnist.Data;
using Mnist.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Models;

/// <summary>Predictions and evaluation for any <see cref="IClassifier"/> over datasets, image sets and batch sources.</summary>
public static class ClassifierExtensions
{

    /// <summary>The most probable class of every sample of <paramref name="data"/> (first maximum on ties; Keras <c>predict_classes</c>).</summary>
    /// <param name="classifier">The classifier.</param>
    /// <param name="data">Batches (labels are ignored).</param>
    /// <param name="cancellationToken">Stops the prediction.</param>
    public static int[] PredictClasses(this IClassifier classifier, IBatchSource data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        return classifier.PredictProba(data, cancellationToken).ArgMax();
    }

    /// <summary>Class probabilities for every sample of <paramref name="data"/>, in dataset order.</summary>
    /// <param name="classifier">The classifier.</param>
    /// <param name="data">The samples.</param>
    /// <param name="batchSize">Samples per forward pass (default <see cref="DefaultBatchSize.Evaluation"/>, 256; the result does not depend on it).</param>
    /// <param name="cancellationToken">Stops the prediction.</param>
    public static ClassProbabilities PredictProba(this IClassifier classifier, MnistDataset data, int batchSize = DefaultBatchSize.Evaluation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(data);
        return classifier.PredictProba(data.Batches(batchSize), cancellationToken);
    }

    /// <summary>The most probable class of every sample of <paramref name="data"/>, in dataset order.</summary>
    /// <param name="classifier">The classifier.</param>
    /// <param name="data">The samples.</param>
    /// <param name="batchSize">Samples per forward pass (default <see cref="DefaultBatchSize.Evaluation"/>, 256).</param>
    /// <param name="cancellationToken">Stops the prediction.</param>
    public static int[] PredictClasses(this IClassifier classifier, MnistDataset data, int batchSize = DefaultBatchSize.Evaluation, CancellationToken cancellationToken = default) =>
        classifier.PredictProba(data, batchSize, cancellationToken).ArgMax();

    /// <summary>
    /// Class probabilities for <paramref name="count"/> images stored one after another (each <see cref="IClassifier.InputShape"/>
    /// floats, row-major, on the scale the classifier was trained on), predicted in chunks of <paramref name="batchSize"/>.
    /// </summary>
    /// <param name="classifier">The classifier.</param>
    /// <param name="images">count × InputShape values.</param>
    /// <param name="count">How many images <paramref name="images"/> holds (0 gives an empty result).</param>
    /// <param name="batchSize">Images per forward pass (default <see cref="DefaultBatchSize.Evaluation"/>, 256; the result does not depend on it).</param>
    /// <exception cref="ArgumentException">The length of <paramref name="images"/> is not <paramref name="count"/> images.</exception>
    public static ClassProbabilities PredictProba(this IClassifier classifier, ReadOnlySpan<float> images, int count, int batchSize = DefaultBatchSize.Evaluation)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var shape = classifier.InputShape;
        long perImage = shape.WithBatch(1).Aggregate(1L, (a, b) => a * b);
        if (images.Length != count * perImage)
            throw new ArgumentException($"Expected {count} images of {perImage} floats ({count * perImage} values); got {images.Length}.", nameof(images));
        int classes = classifier.ClassCount;
        var values = new float[(long)count * classes];
        for (int start = 0; start < count; start += batchSize)
        {
            int n = Math.Min(batchSize, count - start);
            using var scope = NewDisposeScope();
            var batch = tensor(images.Slice((int)(start * perImage), (int)(n * perImage)).ToArray(), shape.WithBatch(n));
            using var probabilities = classifier.PredictProba(batch);
            Array.Copy(probabilities.data<float>().ToArray(), 0, values, (long)start * classes, (long)n * classes);
        }

        return ClassProbabilities.Wrap(values, count, classes);
    }

    /// <summary>Evaluates on a dataset in batches of <paramref name="batchSize"/>, in dataset order (see <see cref="IClassifier.Evaluate"/>).</summary>
    /// <param name="classifier">The classifier.</param>
    /// <param name="data">Samples with labels.</param>
    /// <param name="batchSize">Samples per forward pass (default <see cref="DefaultBatchSize.Evaluation"/>, 256; the result does not depend on it).</param>
    /// <param name="cancellationToken">Stops the evaluation.</param>
    public static EvaluationResult Evaluate(this IClassifier classifier, MnistDataset data, int batchSize = DefaultBatchSize.Evaluation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(data);
        return classifier.Evaluate(data.Batches(batchSize), cancellationToken);
    }
}
