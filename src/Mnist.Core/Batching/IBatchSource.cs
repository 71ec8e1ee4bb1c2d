namespace Mnist.Data;

/// <summary>
/// A source of mini-batches, epoch after epoch: a plain dataset, or an augmenting generator from
/// Mnist.Augmentation. <c>Fit</c>, <c>Evaluate</c> and <c>PredictProba</c> consume it.
/// </summary>
public interface IBatchSource
{
    /// <summary>Number of samples one epoch yields.</summary>
    int SampleCount { get; }

    /// <summary>Samples per batch (the last batch of an epoch may be smaller).</summary>
    int BatchSize { get; }

    /// <summary>
    /// Yields the batches of epoch <paramref name="epoch"/> (0-based; sources that shuffle or augment derive
    /// their randomness from it). The consumer owns and disposes every batch it receives.
    /// </summary>
    /// <param name="epoch">0-based epoch index.</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    IEnumerable<Batch> GetBatches(int epoch, CancellationToken cancellationToken = default);
}
