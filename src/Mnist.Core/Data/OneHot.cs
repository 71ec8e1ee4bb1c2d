using static TorchSharp.torch;

namespace Mnist.Data;

/// <summary>
/// One-hot encoding of class labels and back (Keras' <c>to_categorical</c> and <c>argmax</c>):
/// label 3 of 10 classes becomes the row 0 0 0 1 0 0 0 0 0 0.
/// </summary>
public static class OneHot
{
    /// <summary>Encodes labels as an N × <paramref name="classCount"/> matrix of 0 and 1.</summary>
    /// <param name="labels">Class indices, each in [0, <paramref name="classCount"/>).</param>
    /// <param name="classCount">Number of classes (columns).</param>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside the classes, or <paramref name="classCount"/> is not positive.</exception>
    public static float[,] Encode(ReadOnlySpan<byte> labels, int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        var result = new float[labels.Length, classCount];
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classCount) throw OutOfRange(i, labels[i], classCount);
            result[i, labels[i]] = 1f;
        }

        return result;
    }

    /// <summary>Encodes labels as an N × <paramref name="classCount"/> matrix of 0 and 1.</summary>
    /// <param name="labels">Class indices, each in [0, <paramref name="classCount"/>).</param>
    /// <param name="classCount">Number of classes (columns).</param>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside the classes, or <paramref name="classCount"/> is not positive.</exception>
    public static float[,] Encode(ReadOnlySpan<int> labels, int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        var result = new float[labels.Length, classCount];
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount) throw OutOfRange(i, labels[i], classCount);
            result[i, labels[i]] = 1f;
        }

        return result;
    }

    /// <summary>Encodes an integer label tensor of shape (N) as a new float32 tensor (N, <paramref name="classCount"/>). The caller owns it.</summary>
    /// <param name="labels">Integer class indices, shape (N).</param>
    /// <param name="classCount">Number of classes.</param>
    /// <exception cref="ArgumentException">The tensor is not a 1-D integer tensor.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside the classes.</exception>
    public static Tensor Encode(Tensor labels, int classCount)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        if (labels.dim() != 1 || labels.dtype is not (ScalarType.Byte or ScalarType.Int8 or ScalarType.Int16 or ScalarType.Int32 or ScalarType.Int64))
            throw new ArgumentException($"Labels must be a 1-D integer tensor; got {labels.dtype} ({string.Join(", ", labels.shape)}).", nameof(labels));
        TorchRuntime.EnsureInitialized();
        using var scope = NewDisposeScope();
        var indices = labels.to_type(ScalarType.Int64);
        if (indices.numel() > 0)
        {
            long min = indices.min().item<long>(), max = indices.max().item<long>();
            if (min < 0 || max >= classCount)
            {
                long bad = min < 0 ? min : max;
                long at = indices.eq(bad).nonzero()[0, 0].item<long>();
                throw OutOfRange(at, bad, classCount);
            }
        }

        var result = nn.functional.one_hot(indices, classCount).to_type(ScalarType.Float32);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>The index of the largest value of each row (argmax; the first one on ties).</summary>
    /// <param name="encoded">An N × C matrix, e.g. one-hot rows or class probabilities.</param>
    /// <exception cref="ArgumentException">The matrix has no columns.</exception>
    public static int[] Decode(float[,] encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        int rows = encoded.GetLength(0), columns = encoded.GetLength(1);
        if (columns == 0) throw new ArgumentException("An encoded matrix needs at least one column.", nameof(encoded));
        var result = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            int best = 0;
            for (int c = 1; c < columns; c++)
            {
                if (encoded[r, c] > encoded[r, best]) best = c;
            }

            result[r] = best;
        }

        return result;
    }

    /// <summary>A new int64 tensor (N) with the argmax of each row of an (N, C) tensor. The caller owns it.</summary>
    /// <param name="encoded">Shape (N, C).</param>
    /// <exception cref="ArgumentException">The tensor is not 2-D.</exception>
    public static Tensor Decode(Tensor encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        if (encoded.dim() != 2) throw new ArgumentException($"Expected shape (N, C); got ({string.Join(", ", encoded.shape)}).", nameof(encoded));
        TorchRuntime.EnsureInitialized();
        return encoded.argmax(1);
    }

    private static ArgumentOutOfRangeException OutOfRange(long index, long label, int classCount)
        => new("labels", label, $"Label {label} at index {index} is outside the {classCount} classes [0, {classCount}).");
}
