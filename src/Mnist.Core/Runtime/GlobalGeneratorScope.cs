using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Runtime;

/// <summary>
/// Seeds LibTorch's global CPU generator for the span of a library operation (weight initialisation, one epoch's
/// dropout) and puts the caller's generator state back afterwards, so a seeded model is reproducible without changing the
/// random stream of the application that hosts it. LibTorch has a single global generator per device: an application
/// drawing from it on another thread while a seeded model trains would interleave with it.
/// </summary>
internal sealed class GlobalGeneratorScope : IDisposable
{
    private readonly Tensor _saved;

    private GlobalGeneratorScope(long seed)
    {
        _saved = torch.get_rng_state();
        torch.manual_seed(seed);
    }

    /// <summary>A scope seeded with <paramref name="seed"/>, or <see langword="null"/> (nothing to restore) without a seed.</summary>
    public static GlobalGeneratorScope? Seeded(long? seed) => seed is { } s ? new GlobalGeneratorScope(s) : null;

    public void Dispose()
    {
        torch.set_rng_state(_saved);
        _saved.Dispose();
    }
}
