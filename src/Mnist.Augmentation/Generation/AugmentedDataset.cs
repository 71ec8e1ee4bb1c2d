using Mnist.Data;

namespace Mnist.Augmentation;

/// <summary>
/// A dataset paired with a validated augmentation (see <see cref="MnistDatasetAugmentationExtensions.Augment(MnistDataset, AugmentationOptions)"/>).
/// Immutable; create any number of generators from it with <see cref="Flow"/>, each with its own seed and execution
/// settings.
/// </summary>
public sealed class AugmentedDataset
{
    internal AugmentedDataset(MnistDataset dataset, AugmentationOptions options)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(options);
        Augmenter = new RandomAffineAugmenter(options);
        Dataset = dataset;
    }

    /// <summary>The samples.</summary>
    public MnistDataset Dataset { get; }

    /// <summary>The augmentation.</summary>
    public RandomAffineAugmenter Augmenter { get; }

    /// <summary>
    /// The augmenting batch generator, Keras' <c>ImageDataGenerator.flow(X, y, batch_size, shuffle, seed)</c>: every
    /// epoch visits all samples (reshuffled each epoch when <paramref name="shuffle"/>), each augmented by its own
    /// random draw, on worker threads ahead of the consumer.
    /// </summary>
    /// <param name="batchSize">Samples per batch; default <see cref="DefaultBatchSize.Training"/> (64, the notebook's).</param>
    /// <param name="shuffle">Whether each epoch visits the samples in a new random order; default true (as Keras).</param>
    /// <param name="seed">
    /// Seed of shuffling and draws; default null: a fresh random seed, reported by <see cref="AugmentingBatchSource.Seed"/>
    /// (pass it back to reproduce the run).
    /// </param>
    /// <param name="dropLast">Whether to drop the last, smaller batch of an epoch; default false (Keras keeps it).</param>
    /// <param name="execution">
    /// Worker threads and prefetch depth; default null: <see cref="AugmentationExecutionOptions"/>' defaults (1 worker,
    /// 3 batches). Validated and copied. They never change the batches, only how fast they come.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is not positive, or an execution setting is invalid (the message names it).</exception>
    public AugmentingBatchSource Flow(int batchSize = DefaultBatchSize.Training, bool shuffle = true, int? seed = null, bool dropLast = false, AugmentationExecutionOptions? execution = null) =>
        new(this, batchSize, shuffle, SeedPolicy.Resolve(seed), dropLast, execution);
}
