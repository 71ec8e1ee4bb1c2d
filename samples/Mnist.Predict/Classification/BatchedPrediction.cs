using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Predict.Classification;

/// <summary>Runs a tensor predictor over a flat float batch in chunks, collecting an N × classes matrix.</summary>
internal static class BatchedPrediction
{
    /// <summary>Images per forward pass; larger requests are split.</summary>
    public const int MaxBatchSize = 256;

    public static float[,] Run(float[] batch0To255, int count, int imageSize, int classCount, Func<Tensor, Tensor> predictProba)
    {
        ArgumentNullException.ThrowIfNull(batch0To255);
        int pixels = imageSize * imageSize;
        if (count < 0 || batch0To255.Length != (long)count * pixels)
            throw new ArgumentException($"Expected {count} images of {pixels} floats ({(long)count * pixels} values); got {batch0To255.Length}.", nameof(batch0To255));
        var result = new float[count, classCount];
        for (int start = 0; start < count; start += MaxBatchSize)
        {
            int n = Math.Min(MaxBatchSize, count - start);
            using var scope = NewDisposeScope();
            var images = tensor(batch0To255.AsSpan(start * pixels, n * pixels).ToArray(), [n, 1, imageSize, imageSize]);
            var probabilities = predictProba(images).cpu().to(float32).data<float>().ToArray();
            for (int i = 0; i < n; i++)
            {
                for (int c = 0; c < classCount; c++) result[start + i, c] = probabilities[i * classCount + c];
            }
        }

        return result;
    }
}
