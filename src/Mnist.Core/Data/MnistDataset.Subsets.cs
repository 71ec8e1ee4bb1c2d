using MathNet.Numerics;
using MathNet.Numerics.Random;

namespace Mnist.Data;

public sealed partial class MnistDataset
{
    /// <summary>The <paramref name="count"/> samples starting at <paramref name="start"/>, in order (a copy).</summary>
    /// <param name="start">First sample index.</param>
    /// <param name="count">Number of samples.</param>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside [0, <see cref="Count"/>).</exception>
    public MnistDataset Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if ((long)start + count > Count)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Samples [{start}, {(long)start + count}) are outside the {Count} samples of {Name}.");
        byte[] pixels = _pixels.AsSpan(start * ImageSize, count * ImageSize).ToArray();
        byte[] labels = _labels.AsSpan(start, count).ToArray();
        return new MnistDataset(pixels, labels, Height, Width, ClassNames, $"{Name} [{start}..{start + count})");
    }

    /// <summary>The samples at <paramref name="indices"/>, in that order (a copy; an index may repeat).</summary>
    /// <param name="indices">Sample indices, each in [0, <see cref="Count"/>).</param>
    /// <param name="name">A display name; derived from <see cref="Name"/> when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside the dataset.</exception>
    public MnistDataset Subset(ReadOnlySpan<int> indices, string? name = null)
    {
        int size = ImageSize;
        byte[] pixels = GC.AllocateUninitializedArray<byte>(indices.Length * size);
        byte[] labels = new byte[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            int index = indices[i];
            if ((uint)index >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(indices), index, $"Index {index} (at position {i}) is outside the {Count} samples of {Name}.");
            _pixels.AsSpan(index * size, size).CopyTo(pixels.AsSpan(i * size, size));
            labels[i] = _labels[index];
        }

        return new MnistDataset(pixels, labels, Height, Width, ClassNames, name ?? $"{Name} subset of {indices.Length}");
    }

    /// <summary>The samples at <paramref name="indices"/>, in that order (a copy; an index may repeat).</summary>
    /// <param name="indices">Sample indices, each in [0, <see cref="Count"/>).</param>
    /// <param name="name">A display name; derived from <see cref="Name"/> when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside the dataset.</exception>
    public MnistDataset Subset(IReadOnlyList<int> indices, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(indices);
        return Subset(indices as int[] ?? indices.ToArray(), name);
    }

    /// <summary>
    /// Splits off a random validation part, reproducibly: the samples are permuted with a Mersenne Twister seeded by
    /// <paramref name="seed"/> (MathNet.Numerics), the first round(<paramref name="validationFraction"/> × <see cref="Count"/>)
    /// permuted indices form the validation set and the rest the training set, each kept in original order.
    /// </summary>
    /// <param name="validationFraction">Fraction held out, in (0, 1) (Keras' <c>validation_split</c>, e.g. 0.1).</param>
    /// <param name="seed">Seed of the permutation; the same seed gives the same split.</param>
    /// <exception cref="ArgumentOutOfRangeException">The fraction is not in (0, 1) or leaves a part empty.</exception>
    public TrainValidationSplit SplitValidation(double validationFraction, int seed)
    {
        if (!(validationFraction > 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "Must be strictly between 0 and 1.");
        int validationCount = (int)Math.Round(validationFraction * Count, MidpointRounding.AwayFromZero);
        if (validationCount == 0 || validationCount == Count)
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction,
                $"A fraction of {validationFraction} of {Count} samples leaves the training or validation part empty.");
        }

        int[] permutation = Combinatorics.GeneratePermutation(Count, new MersenneTwister(seed));
        var validation = permutation.AsSpan(0, validationCount).ToArray();
        var train = permutation.AsSpan(validationCount).ToArray();
        Array.Sort(validation);
        Array.Sort(train);
        return new TrainValidationSplit(
            Subset(train, $"{Name} (train part, seed {seed})"),
            Subset(validation, $"{Name} (validation part, seed {seed})"));
    }

    /// <summary>How many samples each class has (index = label).</summary>
    public int[] CountPerClass()
    {
        var counts = new int[ClassCount];
        foreach (byte label in _labels) counts[label]++;
        return counts;
    }
}
