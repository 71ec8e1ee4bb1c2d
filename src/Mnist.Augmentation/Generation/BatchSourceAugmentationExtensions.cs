using Mnist.Data;

namespace Mnist.Augmentation;

/// <summary>Extension methods that attach random affine augmentation to any <see cref="IBatchSource"/>.</summary>
public static class BatchSourceAugmentationExtensions
{
    /// <summary>
    /// Augments every image of every batch <paramref name="source"/> yields with its own random affine warp, keyed by
    /// (seed, epoch, position of the sample within the epoch); labels, batch sizes and order are unchanged:
    /// <c>mySource.Augment(KnownAugmentations.KerasNotebookModern, seed: 1)</c>.
    /// </summary>
    /// <remarks>
    /// The work is done on the consumer's thread as it enumerates (no workers, no prefetch). For an
    /// <see cref="Data.MnistDataset"/> prefer <c>dataset.Augment(options).Flow(…)</c>, which augments ahead of the
    /// consumer on worker threads and gives the same pixels for the same seed without shuffling. See
    /// <see cref="AugmentedBatchSource"/>.
    /// </remarks>
    /// <param name="source">The batches to augment: float32 images (B, 1, H, W) on the 0–255 scale and int64 labels.</param>
    /// <param name="options">The augmentation; validated and copied.</param>
    /// <param name="seed">Seed of the draws; default null: a fresh random seed, reported by <see cref="AugmentedBatchSource.Seed"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is invalid; the message names it.</exception>
    public static AugmentedBatchSource Augment(this IBatchSource source, AugmentationOptions options, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        return new AugmentedBatchSource(source, options, SeedPolicy.Resolve(seed));
    }
}
