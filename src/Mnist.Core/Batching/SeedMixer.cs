namespace Mnist.Data;

/// <summary>Derives independent, reproducible seeds from (seed, stream, index) with SplitMix64 mixing.</summary>
internal static class SeedMixer
{
    /// <summary>A 32-bit seed derived from the three inputs; equal inputs give equal outputs on every platform.</summary>
    public static int Mix(int seed, long stream, long index = 0)
    {
        ulong z = (ulong)(uint)seed;
        z = SplitMix(z ^ SplitMix((ulong)stream + 0x9E3779B97F4A7C15UL));
        z = SplitMix(z ^ SplitMix((ulong)index + 0xD1B54A32D192ED03UL));
        return (int)(z ^ (z >> 32));
    }

    private static ulong SplitMix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
