namespace Mnist;

/// <summary>What <see cref="TorchRuntime.Configure"/> put in effect, for the application to print or log.</summary>
/// <param name="AllocatorTuned">Whether the glibc allocator tuning is in effect in this process.</param>
/// <param name="Threads">LibTorch's intra-op thread count now.</param>
/// <param name="GlobalSeed">The seed given to LibTorch's global generator, or <see langword="null"/> when it was left alone.</param>
public sealed record TorchRuntimeConfiguration(bool AllocatorTuned, int Threads, long? GlobalSeed)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Threads} LibTorch threads, allocator {(AllocatorTuned ? "tuned" : "as the process had it")}, global seed {(GlobalSeed is { } s ? s.ToString(System.Globalization.CultureInfo.InvariantCulture) : "untouched")}";
}
