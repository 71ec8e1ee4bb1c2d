using static TorchSharp.torch;

namespace Mnist.Models;

/// <summary>The span route of <see cref="IClassifier.PredictProba"/> for classifiers that compute on tensors.</summary>
internal static class TensorPrediction
{
    /// <summary>Images per forward pass when a span of images is predicted.</summary>
    private const int ChunkSize = Mnist.Data.DefaultBatchSize.Evaluation;

    /// <summary>Predicts <paramref name="count"/> images from one flat span in chunks, copying each chunk into one CPU tensor.</summary>
    public static ClassProbabilities PredictProba(ITensorClassifier classifier, ReadOnlySpan<float> images, int count)
    {
        long perImage = ImageBuffer.Check(classifier.InputShape, images, count);
        int classes = classifier.ClassCount;
        var values = new float[(long)count * classes];
        for (int start = 0; start < count; start += ChunkSize)
        {
            int n = Math.Min(ChunkSize, count - start);
            using var scope = NewDisposeScope();
            var batch = empty(classifier.InputShape.WithBatch(n), ScalarType.Float32);
            using (var accessor = batch.data<float>()) accessor.CopyFrom(images.Slice((int)(start * perImage), (int)(n * perImage)).ToArray());
            var probabilities = classifier.PredictProba(batch);
            CopyRows(probabilities, values.AsSpan(start * classes, n * classes));
        }

        return ClassProbabilities.Wrap(values, count, classes);
    }

    /// <summary>Copies a (B, C) float32 CPU tensor into <paramref name="destination"/> (B × C values).</summary>
    public static void CopyRows(Tensor probabilities, Span<float> destination)
    {
        if (destination.Length == 0) return;
        using var accessor = probabilities.data<float>();
        accessor.ToArray().AsSpan().CopyTo(destination);
    }
}
