using System.Buffers;
using Mnist.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Augmentation;

/// <summary>
/// Any <see cref="IBatchSource"/> with random affine augmentation applied to every image of every batch it yields
/// (see <see cref="BatchSourceAugmentationExtensions.Augment(IBatchSource, AugmentationOptions, int?)"/>). Batch sizes,
/// labels and order are the inner source's; only the images change.
/// </summary>
/// <remarks>
/// <para><b>Runs on the consumer's thread</b>, one batch at a time, with no workers and no prefetch: augmentation
/// does not overlap training here, unlike <see cref="AugmentedDataset.Flow"/>. Prefer <c>Flow</c> for an
/// <see cref="Data.MnistDataset"/>; use this decorator for any other source (a custom sampler, a filtered or
/// concatenated source, images that are not bytes).</para>
/// <para>Deterministic: the sample at position k of epoch e (counting from 0 across the epoch's batches) is
/// transformed by <see cref="RandomAffineAugmenter.Draw(int, int, int, int, int)"/> with (<see cref="Seed"/>, e, k).
/// Over an unshuffled <see cref="DatasetBatchSource"/> position and dataset index coincide, so the result equals
/// <c>Flow(shuffle: false)</c> with the same seed, pixel for pixel. The decorator cannot see which sample the inner
/// source put at a position, so over a shuffled source the draws follow positions, not samples.</para>
/// <para>Images are read as grey levels on the 0–255 scale, clamped to [0, 255] (NaN reads as 0) and held to 1/257
/// of a grey level (exact for integral levels). Each inner batch is disposed as soon as it has been read, also when
/// the enumeration fails or is cancelled; the batches yielded are new, on the CPU, owned by the consumer.
/// Cancellation is checked before each batch and passed to the inner source.</para>
/// </remarks>
public sealed class AugmentedBatchSource : IBatchSource
{
    internal AugmentedBatchSource(IBatchSource inner, AugmentationOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(options);
        Augmenter = new RandomAffineAugmenter(options);
        Inner = inner;
        Seed = seed;
    }

    /// <summary>The source whose batches are augmented.</summary>
    public IBatchSource Inner { get; }

    /// <summary>The augmentation.</summary>
    public RandomAffineAugmenter Augmenter { get; }

    /// <summary>The seed of the draws (the one given, or the one picked at random).</summary>
    public int Seed { get; }

    /// <inheritdoc />
    public int SampleCount => Inner.SampleCount;

    /// <inheritdoc />
    public int BatchSize => Inner.BatchSize;

    /// <inheritdoc />
    public IEnumerable<Batch> GetBatches(int epoch, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        TorchRuntime.EnsureInitialized();
        return Enumerate(Inner.GetBatches(epoch, cancellationToken), epoch, cancellationToken);
    }

    private IEnumerable<Batch> Enumerate(IEnumerable<Batch> batches, int epoch, CancellationToken cancellationToken)
    {
        AffineWarper? warper = null;
        int position = 0;
        try
        {
            foreach (var batch in batches)
            {
                Batch augmented;
                try
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    augmented = Augment(batch, epoch, position, ref warper);
                    position += augmented.Count;
                }
                finally
                {
                    batch.Dispose();
                }

                yield return augmented;
            }
        }
        finally
        {
            warper?.Dispose();
        }
    }

    private Batch Augment(Batch batch, int epoch, int position, ref AffineWarper? warper)
    {
        int count = batch.Count;
        int height = checked((int)batch.Images.shape[2]), width = checked((int)batch.Images.shape[3]);
        if (warper is null || warper.Width != width || warper.Height != height)
        {
            warper?.Dispose();
            warper = Augmenter.CreateWarper(width, height);
        }

        int imageSize = width * height, total = count * imageSize;
        long[] labels = new long[count];
        float[] input = ArrayPool<float>.Shared.Rent(total);
        float[] output = ArrayPool<float>.Shared.Rent(total);
        try
        {
            CopyToHost(batch.Images, input.AsSpan(0, total));
            CopyToHost(batch.Labels, labels.AsSpan());
            for (int j = 0; j < count; j++)
            {
                var parameters = Augmenter.Draw(Seed, epoch, position + j, width, height);
                var destination = output.AsSpan(j * imageSize, imageSize);
                warper.Warp(input.AsSpan(j * imageSize, imageSize), parameters, destination);
                Augmenter.Finish(destination, width, height, Seed, epoch, position + j);
            }

            return DatasetBatchSource.CreateBatch(output.AsSpan(0, total), labels, height, width);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(input);
            ArrayPool<float>.Shared.Return(output);
        }
    }

    private static void CopyToHost<T>(Tensor tensor, Span<T> destination)
        where T : unmanaged
    {
        if (tensor.device_type == DeviceType.CPU)
        {
            using var accessor = tensor.data<T>();
            accessor.CopyTo(destination);
        }
        else
        {
            using var host = tensor.cpu();
            using var accessor = host.data<T>();
            accessor.CopyTo(destination);
        }
    }
}
