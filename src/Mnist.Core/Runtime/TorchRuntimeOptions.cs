namespace Mnist;

/// <summary>
/// The process-wide settings an application may ask for with <see cref="TorchRuntime.Configure"/>. The library never
/// applies any of them by itself. Every property defaults to "leave the process as it is".
/// </summary>
public sealed class TorchRuntimeOptions
{
    /// <summary>The largest accepted <see cref="Threads"/>: 1,024.</summary>
    public const int MaximumThreads = 1024;

    /// <summary>
    /// Tune glibc's allocator for LibTorch (Linux/glibc only): <c>M_MMAP_THRESHOLD</c> 32 MiB, <c>M_TRIM_THRESHOLD</c>
    /// 1 GiB, <c>M_TOP_PAD</c> 256 MiB, so that training steps stop unmapping and re-faulting their large buffers
    /// (measured on 2 cores: +22–36 % float32 training throughput, about 2× batch inference, 30–100 MB more peak memory). It changes the allocator of the
    /// whole process. Skipped when any <c>MALLOC_MMAP_THRESHOLD_</c>/<c>MALLOC_TRIM_THRESHOLD_</c>/<c>MALLOC_TOP_PAD_</c>
    /// variable is set (the user chose). Default <see langword="false"/>.
    /// </summary>
    public bool TuneAllocator { get; set; }

    /// <summary>
    /// LibTorch's intra-op thread count for the whole process (<c>torch.set_num_threads</c>), 1 to
    /// <see cref="MaximumThreads"/>. Default <see langword="null"/>: LibTorch's own choice (the number of cores).
    /// </summary>
    public int? Threads { get; set; }

    /// <summary>
    /// Seeds LibTorch's global CPU generator (<c>torch.manual_seed</c>), which anything not seeded per model draws from.
    /// Default <see langword="null"/>: not touched. Models built with <c>ModelOptions.Seed</c> do not need it.
    /// </summary>
    public long? GlobalSeed { get; set; }

    /// <summary>Checks every value, naming the first invalid one.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="Threads"/> is outside 1..<see cref="MaximumThreads"/>.</exception>
    public void Validate()
    {
        if (Threads is { } threads && threads is < 1 or > MaximumThreads)
            throw new ArgumentOutOfRangeException(nameof(Threads), threads, $"Threads must be between 1 and {MaximumThreads}; got {threads}.");
    }
}
