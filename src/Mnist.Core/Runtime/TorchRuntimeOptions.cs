namespace Mnist;

/// <summary>
/// The process-wide settings an application may ask for with <see cref="TorchRuntime.Configure"/>. The library never
/// applies any of them by itself. Every property defaults to "leave the process as it is". Mutable;
/// <see cref="TorchRuntime.Configure"/> clones and validates it.
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
    /// Seeds LibTorch's global CPU generator (<c>torch.manual_seed</c>), which the application's own TorchSharp code draws
    /// from. Default <see langword="null"/>: not touched. This is an action on the process, not a seed of a library object,
    /// so <see langword="null"/> here means "leave it alone" rather than "draw a fresh seed": models seed their own
    /// initialisation and dropout (<c>ModelOptions.Seed</c>, <c>SequentialModel.Seed</c>) and do not need it. Any value is valid.
    /// </summary>
    public long? GlobalSeed { get; set; }

    /// <summary>Checks every value, naming the first invalid one.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="Threads"/> is outside 1..<see cref="MaximumThreads"/> (<see cref="ArgumentException.ParamName"/> <c>Threads</c>).</exception>
    public void Validate()
    {
        if (Threads is { } threads && threads is < 1 or > MaximumThreads)
            throw new ArgumentOutOfRangeException(nameof(Threads), threads, $"Threads must be between 1 and {MaximumThreads}; got {threads}.");
    }

    /// <summary>An independent copy (the options hold only values).</summary>
    public TorchRuntimeOptions Clone() => (TorchRuntimeOptions)MemberwiseClone();
}
