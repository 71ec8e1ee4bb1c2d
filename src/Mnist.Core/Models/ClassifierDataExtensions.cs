using Mnist.Data;
using Mnist.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Models;

/// <summary>
/// Prediction and evaluation over batch sources, datasets and tensors for any <see cref="IClassifier"/>: a TorchSharp
/// <see cref="ITensorClassifier"/> takes the batches' tensors directly; any other implementation (an ONNX Runtime
/// session, say) receives each batch as floats through <see cref="IClassifier.PredictProba"/>.
/// </summary>
public static class ClassifierDataExtensions
{
    /// <summary>Class probabilities for every sample of <paramref name="data"/>, in its order (Keras <c>predict_proba</c>); labels are ignored.</summary>
    /// <param name="classifier">The classifier.</param>
    /// <param name="data">Batches of any size; the result does not depend on it.</param>
    /// <param name="cancellationToken">Stops the prediction.</param>
    public static ClassProbabilities PredictProba(this IClassifier classifier, IBatchSource data, CancellationToken cancellationToken = default) =>
        Collect(classifier, data, collectLabels: false, cancellationToken).Probabilities;

    /// <summary>The most probable class of every sample of <paramref name="data"/> (first maximum on ties; Keras <c>predict_classes</c>).</summary>
    /// <param name="classifier">The classifier.</param>
    /// <param name="data">Batches (labels are ignored).</param>
    /// <param name="cancellationToken">Stops the prediction.</param>
    public static int[] PredictClasses(this IClassifier classifier, IBatchSource data, CancellationToken cancellationToken = default) =>
        classifier.PredictProba(data, cancellationToken).ArgMax();

    /// <summary>
    /// Accuracy and loss on <paramref name="data"/> (Keras <c>evaluate</c>), in eval mode without gradients. The loss is
    /// <see cref="ClassProbabilities.CrossEntropy"/> of the predicted float32 probabilities,
    /// −(1/N) Σ ln max(p[n, yₙ], <see cref="ClassProbabilities.ProbabilityFloor"/>), whatever the classifier; the result
    /// does not depend on the batch size.
    /// </summary>
    /// <param name="classifier">The classifier.</param>
    /// <param name="data">Batches with labels, e.g. <c>test.Batches(256)</c>.</param>
    /// <param name="cancellationToken">Stops the evaluation.</param>
    /// <exception cref="ArgumentException">No samples, or a label outside [0, <see cref="IClassifier.ClassCount"/>).</exception>
    public static EvaluationResult Evaluate(this IClassifier classifier, IBatchSource data, CancellationToken cancellationToken = default)
    {
        var (probabilities, labels) = Collect(classifier, data, collectLabels: true, cancellationToken);
        if (labels.Length == 0) throw new ArgumentException("The evaluation source yielded no samples.", nameof(data));
        return EvaluationResult.From(probabilities, labels);
    }

    /// <summary>Class probabilities for every sample of <paramref name="data"/>, in dataset order.</summary>
    /// <param name="classifier">The classifier.</param>
    /// <param name="data">The samples.</param>
    /// <param name="batchSize">Samples per forward pass (default <see cref="DefaultBatchSize.Evaluation"/>, 256; the result does not depend on it).</param>
    /// <param name="cancellationToken">Stops the prediction.</param>
    public static ClassProbabilities PredictProba(this IClassifier classifier, MnistDataset data, int batchSize = DefaultBatchSize.Evaluation, CancellationToken cancellationToken = default)
    {
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

    /// <summary>Evaluates on a dataset in batches of <paramref name="batchSize"/>, in dataset order (see <see cref="Evaluate(IClassifier, IBatchSource, CancellationToken)"/>).</summary>
    /// <param name="classifier">The classifier.</param>
    /// <param name="data">Samples with labels.</param>
    /// <param name="batchSize">Samples per forward pass (default <see cref="DefaultBatchSize.Evaluation"/>, 256; the result does not depend on it).</param>
    /// <param name="cancellationToken">Stops the evaluation.</param>
    public static EvaluationResult Evaluate(this IClassifier classifier, MnistDataset data, int batchSize = DefaultBatchSize.Evaluation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        return classifier.Evaluate(data.Batches(batchSize), cancellationToken);
    }

    /// <summary>
    /// Class probabilities for a batch of images as a new (B, C) float32 CPU tensor owned by the caller (see
    /// <see cref="ITensorClassifier.PredictProba"/>); for a classifier that does not compute on tensors the images are
    /// copied to the CPU and passed as floats.
    /// </summary>
    /// <param name="classifier">The classifier.</param>
    /// <param name="images">Float32 images of shape (B, <see cref="IClassifier.InputShape"/>…), on any device.</param>
    /// <exception cref="ArgumentException">The images do not have the classifier's input shape or are not float32.</exception>
    public static Tensor PredictProba(this IClassifier classifier, Tensor images)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(images);
        if (classifier is ITensorClassifier tensorClassifier) return tensorClassifier.PredictProba(images);
        var (values, count) = ToFloats(classifier, images);
        return classifier.PredictProba(values, count).ToTensor();
    }

    private static (ClassProbabilities Probabilities, int[] Labels) Collect(IClassifier classifier, IBatchSource data, bool collectLabels, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(data);
        int classes = classifier.ClassCount;
        var values = new List<float>();
        var labels = new List<int>();
        foreach (var batch in data.GetBatches(0, cancellationToken))
        {
            using var scope = NewDisposeScope();
            using (batch)
            {
                if (classifier is ITensorClassifier tensorClassifier)
                {
                    values.AddRange(tensorClassifier.PredictProba(batch.Images).data<float>().ToArray());
                }
                else
                {
                    var (floats, count) = ToFloats(classifier, batch.Images);
                    values.AddRange(classifier.PredictProba(floats, count).Values.ToArray());
                }

                if (collectLabels) AddLabels(labels, batch.Labels, classes);
            }
        }

        return (ClassProbabilities.Wrap(values.ToArray(), values.Count / classes, classes), labels.ToArray());
    }

    private static void AddLabels(List<int> labels, Tensor batchLabels, int classes)
    {
        using var cpu = batchLabels.cpu();
        foreach (long label in cpu.data<long>().ToArray())
        {
            if (label < 0 || label >= classes)
                throw new ArgumentException($"Labels must be class indices in [0, {classes}); found {label}.", "data");
            labels.Add((int)label);
        }
    }

    private static (float[] Values, int Count) ToFloats(IClassifier classifier, Tensor images)
    {
        var shape = images.shape;
        if (shape.Length != classifier.InputShape.Rank + 1 || !shape.Skip(1).SequenceEqual(classifier.InputShape.WithBatch(0).Skip(1)))
            throw new ArgumentException($"Images of shape ({string.Join(", ", shape)}) do not fit the classifier's input {classifier.InputShape}.", nameof(images));
        if (images.dtype != ScalarType.Float32)
            throw new ArgumentException($"Images must be float32 (got {images.dtype}); convert with .to(torch.float32).", nameof(images));
        using var scope = NewDisposeScope();
        var cpu = images.cpu().contiguous();
        return (shape[0] == 0 ? [] : cpu.data<float>().ToArray(), (int)shape[0]);
    }
}
