using System.Buffers;
using MathNet.Numerics;
using MathNet.Numerics.Random;
using Mnist.Data;
using static TorchSharp.torch;

namespace Mnist.Data;

/// <summary>
/// The plain (unaugmented) batch source over a <see cref="MnistDataset"/>: Keras' <c>flow</c> without augmentation,
/// used for evaluation (unshuffled) or plain training (shuffled anew each epoch). Each batch is built with one copy
/// from the dataset's bytes into a float32 tensor; no per-sample tensors.
/// </summary>
public sealed class DatasetBatchSource : IBatchSource
{
    /// <summary>Creates the source.</summary>
    /// <param name="dataset">The samples.</param>
    /// <param name="batchSize">Samples per batch.</param>
    /// <param name="shuffle">Whether each epoch visits the samples in a new random order (a MathNet permutation per epoch, seeded from the seed and the epoch).</param>
    /// <param name="seed">Seed of the shuffling; default <see langword="null"/>: a fresh seed, reported as <see cref="Seed"/> (pass it back to repeat the order).</param>
    /// <param name="dropLast">Whether to drop the last, smaller batch of an epoch (Keras keeps it).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is not positive.</exception>
    public DatasetBatchSource(MnistDataset dataset, int batchSize, bool shuffle = false, int? seed = null, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");
        Dataset = dataset;
        BatchSize = batchSize;
        Shuffle = shuffle;
        Seed = SeedPolicy.Resolve(seed);
        DropLast = dropLast;
    }

    /// <summary>The samples.</summary>
    public MnistDataset Dataset { get; }

    /// <inheritdoc />
    public int BatchSize { get; }

    /// <summary>Whether epochs are shuffled.</summary>
    public bool Shuffle { get; }

    /// <summary>Seed of the shuffling: the one given, or the one drawn when none was (it only matters when <see cref="Shuffle"/> is true).</summary>
    public int Seed { get; }

    /// <summary>Whether the last, smaller batch of an epoch is dropped.</summary>
    public bool DropLast { get; }

    /// <inheritdoc />
    public int SampleCount => DropLast ? Dataset.Count / BatchSize * BatchSize : Dataset.Count;

    /// <summary>Number of batches per epoch.</summary>
    public int BatchCount => GetBatchCount(Dataset.Count, BatchSize, DropLast);

    /// <inheritdoc />
    public IEnumerable<Batch> GetBatches(int epoch, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        TorchRuntime.EnsureInitialized();
        return Enumerate(epoch, cancellationToken);
    }

    private IEnumerable<Batch> Enumerate(int epoch, CancellationToken cancellationToken)
    {
        int[]? order = Shuffle ? GetEpochOrder(Dataset.Count, Seed, epoch) : null;
        int imageSize = Dataset.ImageSize;
        for (int b = 0, batches = BatchCount; b < batches; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int start = b * BatchSize, count = Math.Min(BatchSize, Dataset.Count - start);
            float[] pixels = ArrayPool<float>.Shared.Rent(count * imageSize);
            long[] labels = new long[count];
            try
            {
                var source = Dataset.Pixels.Span;
                var targets = Dataset.Labels.Span;
                for (int j = 0; j < count; j++)
                {
                    int index = order is null ? start + j : order[start + j];
                    var image = source.Slice(index * imageSize, imageSize);
                    var destination = pixels.AsSpan(j * imageSize, imageSize);
                    for (int p = 0; p < image.Length; p++) destination[p] = image[p];
                    labels[j] = targets[index];
                }

                yield return CreateBatch(pixels.AsSpan(0, count * imageSize), labels, Dataset.Height, Dataset.Width);
            }
            finally
            {
                ArrayPool<float>.Shared.Return(pixels);
            }
        }
    }

    /// <summary>
    /// The order in which a shuffled source visits the samples in epoch <paramref name="epoch"/>: a MathNet
    /// permutation drawn from a <see cref="Xoshiro256StarStar"/> seeded by a hash of (<paramref name="seed"/>,
    /// <paramref name="epoch"/>). Augmenting sources use the same order for the same seed.
    /// </summary>
    /// <param name="count">Number of samples.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="epoch">0-based epoch.</param>
    internal static int[] GetEpochOrder(int count, int seed, int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var random = new Xoshiro256StarStar(SeedMixer.Mix(seed, 0x4D4E4953, epoch), threadSafe: false); // stream "MNIS": shuffling
        return count == 0 ? Array.Empty<int>() : Combinatorics.GeneratePermutation(count, random);
    }

    /// <summary>Number of batches an epoch of <paramref name="count"/> samples yields.</summary>
    /// <param name="count">Samples per epoch.</param>
    /// <param name="batchSize">Samples per batch.</param>
    /// <param name="dropLast">Whether a last, smaller batch is dropped.</param>
    internal static int GetBatchCount(int count, int batchSize, bool dropLast) =>
        dropLast ? count / batchSize : (count + batchSize - 1) / batchSize;

    /// <summary>
    /// Builds a <see cref="Batch"/> from float grey levels (B × H × W, 0–255 scale) and labels with one copy each
    /// into freshly allocated tensors.
    /// </summary>
    /// <param name="pixels">B × <paramref name="height"/> × <paramref name="width"/> values.</param>
    /// <param name="labels">B class indices.</param>
    /// <param name="height">Image height.</param>
    /// <param name="width">Image width.</param>
    internal static Batch CreateBatch(ReadOnlySpan<float> pixels, ReadOnlySpan<long> labels, int height, int width)
    {
        if (pixels.Length != (long)labels.Length * height * width)
            throw new ArgumentException($"{labels.Length} labels need {labels.Length * height * width} pixels; got {pixels.Length}.", nameof(pixels));
        TorchRuntime.EnsureInitialized();
        var images = empty(new long[] { labels.Length, 1, height, width }, ScalarType.Float32);
        var targets = empty(new long[] { labels.Length }, ScalarType.Int64);
        try
        {
            using (var accessor = images.data<float>()) accessor.CopyFrom(pixels, 0, 0);
            using (var accessor = targets.data<long>()) accessor.CopyFrom(labels, 0, 0);
            return new Batch(images, targets);
        }
        catch
        {
            images.Dispose();
            targets.Dispose();
            throw;
        }
    }
}
