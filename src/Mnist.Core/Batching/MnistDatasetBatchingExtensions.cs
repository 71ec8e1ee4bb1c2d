using Mnist.Data;

namespace Mnist.Batching;

/// <summary>Turns datasets into batch sources for <c>Fit</c>, <c>Evaluate</c> and <c>PredictProba</c>.</summary>
public static class MnistDatasetBatchingExtensions
{
    /// <summary>Plain batches of <paramref name="dataset"/>; see <see cref="DatasetBatchSource"/>.</summary>
    /// <param name="dataset">The samples.</param>
    /// <param name="batchSize">Samples per batch.</param>
    /// <param name="shuffle">Reshuffle every epoch (default false).</param>
    /// <param name="seed">Seed of the shuffling (default 0).</param>
    /// <param name="dropLast">Drop the last partial batch (default false).</param>
    public static DatasetBatchSource Batches(this MnistDataset dataset, int batchSize, bool shuffle = false, int seed = 0, bool dropLast = false) =>
        new(dataset, batchSize, shuffle, seed, dropLast);
}
