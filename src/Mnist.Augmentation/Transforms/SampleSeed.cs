namespace Mnist.Augmentation;

/// <summary>Derives the seed of one sample's random draw from (seed, epoch, index) with SplitMix64 mixing.</summary>
internal static class SampleSeed
{
    public static int Derive(int seed, int epoch, int index)
    {
        ulong h = Mix(0x4D4E4953545F4147UL ^ (uint)seed); // "MNIST_AG"
        h = Mix(h ^ (uint)epoch);
        h = Mix(h ^ (uint)index);
        return (int)(h ^ (h >> 32));
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
