using Mnist.Data;

namespace Mnist.Data;

/// <summary>Extension methods that turn a <see cref="MnistDataset"/> into an <see cref="IBatchSource"/>.</summary>
public static class DatasetBatchingExtensions
{
    /// <summary>
    /// The plain batch source over <paramref name="dataset"/> (no augmentation): unshuffled by default, as Keras'
    /// evaluation generator.
    /// </summary>
    /// <param name="dataset">The samples.</param>
    /// <param name="batchSize">Samples per batch; default <see cref="DefaultBatchSize.Training"/> (64, the notebook's; pass <see cref="DefaultBatchSize.Evaluation"/> for evaluation).</param>
    /// <param name="shuffle">Whether each epoch visits the samples in a new random order; default false.</param>
    /// <param name="seed">Seed of the shuffling; default <see langword="null"/>: a fresh seed, reported as <see cref="DatasetBatchSource.Seed"/>.</param>
    /// <param name="dropLast">Whether to drop the last, smaller batch of an epoch; default false (Keras keeps it).</param>
    public static DatasetBatchSource Batches(this MnistDataset dataset, int batchSize = DefaultBatchSize.Training, bool shuffle = false, int? seed = null, bool dropLast = false) =>
        new(dataset, batchSize, shuffle, seed, dropLast);
}
