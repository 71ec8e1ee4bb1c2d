using MathNet.Numerics;
using MathNet.Numerics.Random;
using Mnist.Data;
using Mnist.Guarding;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Batching;

/// <summary>
/// Plain (unaugmented) batches of a <see cref="MnistDataset"/>: images as float32 (B, 1, H, W) on the 0–255 scale and
/// int64 labels. Optionally shuffled each epoch with a seeded permutation (the same seed and epoch give the same order).
/// Each batch is assembled in a reused managed buffer and copied into one tensor: no per-sample tensors. Thread-safe.
/// </summary>
public sealed class DatasetBatchSource : IBatchSource
{
    /// <summary>Creates the source.</summary>
    /// <param name="dataset">The samples.</param>
    /// <param name="batchSize">Samples per batch.</param>
    /// <param name="shuffle">Reshuffle every epoch (default false: dataset order, as an evaluation generator).</param>
    /// <param name="seed">Seed of the shuffling (default 0).</param>
    /// <param name="dropLast">Drop the last partial batch (default false: keep it, as Keras does).</param>
    public DatasetBatchSource(MnistDataset dataset, int batchSize, bool shuffle = false, int seed = 0, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        Guard.MustBePositive(batchSize);
        if (dataset.Count == 0) throw new ArgumentException("The dataset is empty.", nameof(dataset));
        Dataset = dataset;
        BatchSize = batchSize;
        Shuffle = shuffle;
        Seed = seed;
        DropLast = dropLast;
    }

    /// <summary>The samples.</summary>
    public MnistDataset Dataset { get; }

    /// <inheritdoc />
    public int BatchSize { get; }

    /// <summary>Whether the order is reshuffled every epoch.</summary>
    public bool Shuffle { get; }

    /// <summary>Seed of the shuffling.</summary>
    public int Seed { get; }

    /// <summary>Whether a last partial batch is dropped.</summary>
    public bool DropLast { get; }

    /// <inheritdoc />
    public int SampleCount => DropLast ? Dataset.Count / BatchSize * BatchSize : Dataset.Count;

    /// <summary>The sample order of <paramref name="epoch"/>.</summary>
    public int[] GetOrder(int epoch) =>
        Shuffle
            ? Combinatorics.GeneratePermutation(Dataset.Count, new Xoshiro256StarStar(SeedMixer.Mix(Seed, epoch), threadSafe: false))
            : Enumerable.Range(0, Dataset.Count).ToArray();

    /// <inheritdoc />
    public IEnumerable<Batch> GetBatches(int epoch, CancellationToken cancellationToken = default)
    {
        int[] order = GetOrder(epoch);
        int count = SampleCount;
        int imageSize = Dataset.ImageSize;
        var pixels = new float[BatchSize * imageSize];
        var labels = new long[BatchSize];
        for (int start = 0; start < count; start += BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int size = Math.Min(BatchSize, count - start);
            yield return Assemble(Dataset, order.AsSpan(start, size), pixels, labels);
        }
    }

    /// <summary>Copies the samples at <paramref name="indices"/> into one batch, using the given scratch buffers.</summary>
    internal static Batch Assemble(MnistDataset dataset, ReadOnlySpan<int> indices, float[] pixelBuffer, long[] labelBuffer)
    {
        int imageSize = dataset.ImageSize;
        int size = indices.Length;
        for (int i = 0; i < size; i++)
        {
            var image = dataset.GetImage(indices[i]);
            var target = pixelBuffer.AsSpan(i * imageSize, imageSize);
            for (int p = 0; p < image.Length; p++) target[p] = image[p];
            labelBuffer[i] = dataset.GetLabel(indices[i]);
        }

        var images = empty([size, 1, dataset.Height, dataset.Width], ScalarType.Float32);
        var labelTensor = empty([size], ScalarType.Int64);
        using (var accessor = images.data<float>()) accessor.CopyFrom(new ReadOnlySpan<float>(pixelBuffer, 0, size * imageSize));
        using (var accessor = labelTensor.data<long>()) accessor.CopyFrom(new ReadOnlySpan<long>(labelBuffer, 0, size));
        return new Batch(images, labelTensor);
    }
}
