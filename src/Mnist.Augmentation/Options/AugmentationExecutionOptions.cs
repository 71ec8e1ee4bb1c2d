namespace Mnist.Augmentation;

/// <summary>
/// How <see cref="AugmentedDataset.Flow"/>'s generator runs: worker threads and the depth of its prefetch queue.
/// These settings change only speed and memory, never the batches (the same seed gives identical batches whatever
/// they are). Mutable, with documented defaults; <see cref="Validate"/> is called by <see cref="AugmentedDataset.Flow"/>,
/// which keeps its own copy, so later changes to the object do not affect a generator already created.
/// </summary>
public sealed class AugmentationExecutionOptions
{
    /// <summary>Default of <see cref="WorkerCount"/>.</summary>
    public const int DefaultWorkerCount = 1;

    /// <summary>Default of <see cref="PrefetchBatches"/>.</summary>
    public const int DefaultPrefetchBatches = 3;

    /// <summary>Upper limit of <see cref="WorkerCount"/>.</summary>
    public const int MaxWorkerCount = 64;

    /// <summary>
    /// Number of threads that augment batches ahead of the consumer; 1 to <see cref="MaxWorkerCount"/>. Default 1: on
    /// small machines LibTorch's OpenMP threads slow down badly when other threads compete, and one worker already
    /// outpaces CPU training by far.
    /// </summary>
    public int WorkerCount { get; set; } = DefaultWorkerCount;

    /// <summary>Maximum number of batches prepared ahead of the consumer (the bounded prefetch queue); at least 1. Default 3.</summary>
    public int PrefetchBatches { get; set; } = DefaultPrefetchBatches;

    /// <summary>Creates a copy of these options.</summary>
    public AugmentationExecutionOptions Clone() => (AugmentationExecutionOptions)MemberwiseClone();

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of its range; <see cref="ArgumentException.ParamName"/> and the message name it.</exception>
    public void Validate()
    {
        if (WorkerCount is < 1 or > MaxWorkerCount)
            throw new ArgumentOutOfRangeException(nameof(WorkerCount), WorkerCount, $"{nameof(WorkerCount)} must be between 1 and {MaxWorkerCount}; got {WorkerCount}.");
        if (PrefetchBatches < 1)
            throw new ArgumentOutOfRangeException(nameof(PrefetchBatches), PrefetchBatches, $"{nameof(PrefetchBatches)} must be at least 1; got {PrefetchBatches}.");
    }
}
