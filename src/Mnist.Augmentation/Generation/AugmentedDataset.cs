using Mnist.Data;

namespace Mnist.Augmentation;

/// <summary>
/// A dataset paired with a validated augmentation (see <see cref="MnistDatasetAugmentationExtensions.Augment(MnistDataset, AugmentationOptions)"/>).
/// Immutable; create any number of generators from it with <see cref="Flow"/>.
/// </summary>
public sealed class AugmentedDataset
{
    internal AugmentedDataset(MnistDataset dataset, AugmentationOptions options)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(options);
        Augmenter = new RandomAffineAugmenter(options);
        Dataset = dataset;
        Seed = options.Seed;
        WorkerCount = options.WorkerCount;
        PrefetchBatches = options.PrefetchBatches;
    }

    /// <summary>The samples.</summary>
    public MnistDataset Dataset { get; }

    /// <summary>The augmentation.</summary>
    public RandomAffineAugmenter Augmenter { get; }

    /// <summary>The seed from the options, if any.</summary>
    public int? Seed { get; }

    /// <summary>Worker threads per generator (<see cref="AugmentationOptions.WorkerCount"/>).</summary>
    public int WorkerCount { get; }

    /// <summary>Batches prepared ahead (<see cref="AugmentationOptions.PrefetchBatches"/>).</summary>
    public int PrefetchBatches { get; }

    /// <summary>
    /// The augmenting batch generator, Keras' <c>ImageDataGenerator.flow(X, y, batch_size, shuffle, seed)</c>: every
    /// epoch visits all samples (reshuffled each epoch when <paramref name="shuffle"/>), each augmented by its own
    /// random draw.
    /// </summary>
    /// <param name="batchSize">Samples per batch; default 32 (Keras' default).</param>
    /// <param name="shuffle">Whether each epoch visits the samples in a new random order; default true (as Keras).</param>
    /// <param name="seed">Seed of shuffling and draws; default: the options' seed, else a random one (reported by <see cref="AugmentingBatchSource.Seed"/>).</param>
    /// <param name="dropLast">Whether to drop the last, smaller batch of an epoch; default false (Keras keeps it).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is not positive.</exception>
    public AugmentingBatchSource Flow(int batchSize = 32, bool shuffle = true, int? seed = null, bool dropLast = false) =>
        new(this, batchSize, shuffle, seed ?? Seed ?? Random.Shared.Next(), dropLast);
}
