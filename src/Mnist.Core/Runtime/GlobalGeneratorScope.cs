using TorchSharp;
using static TorchSharp.torch;

namespace Mnist;

/// <summary>
/// Seeds LibTorch's global CPU generator for the span of a library operation (weight initialisation, one epoch's
/// dropout) and puts the caller's generator state back afterwards, so a seeded model is reproducible without changing the
/// random stream of the application that hosts it. LibTorch has a single global generator per device: an application
/// drawing from it on another thread while a seeded model trains would interleave with it. Scopes of the library are
/// serialised by a process-wide lock, so two seeded models built or trained on different threads stay reproducible.
/// Only the CPU generator's state is restored: on CUDA, <c>manual_seed</c> also reseeds the CUDA generators.
/// </summary>
internal sealed class GlobalGeneratorScope : IDisposable
{
    private static readonly object Gate = new();
    private readonly Tensor _saved;

    private GlobalGeneratorScope(long seed)
    {
        Monitor.Enter(Gate);
        try
        {
            _saved = torch.get_rng_state();
            torch.manual_seed(seed);
        }
        catch
        {
            Monitor.Exit(Gate);
            throw;
        }
    }

    /// <summary>A scope seeded with <paramref name="seed"/>, or <see langword="null"/> (nothing to restore) without a seed.</summary>
    public static GlobalGeneratorScope? Seeded(long? seed) => seed is { } s ? new GlobalGeneratorScope(s) : null;

    public void Dispose()
    {
        try
        {
            torch.set_rng_state(_saved);
            _saved.Dispose();
        }
        finally
        {
            Monitor.Exit(Gate);
        }
    }
}
