using System.Globalization;

namespace Mnist.Models;

/// <summary>
/// The shape of one sample as it flows through a model, without the batch dimension: (channels, height, width) for
/// images, (features) after <c>Flatten</c>. Printed the Keras way, with <c>None</c> for the batch: <c>(None, 32, 28, 28)</c>.
/// </summary>
public sealed class TensorShape : IEquatable<TensorShape>
{
    private readonly int[] _dimensions;

    /// <summary>Creates a shape.</summary>
    /// <param name="dimensions">Per-sample dimensions, each positive.</param>
    /// <exception cref="ArgumentException">No dimension given, one is not positive, or the number of values overflows a 64-bit count.</exception>
    public TensorShape(params int[] dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        if (dimensions.Length == 0) throw new ArgumentException("A shape needs at least one dimension.", nameof(dimensions));
        long elements = 1;
        foreach (var d in dimensions)
        {
            if (d <= 0) throw new ArgumentException($"Every dimension must be positive; got ({Describe(dimensions)}).", nameof(dimensions));
            if (elements > long.MaxValue / d)
                throw new ArgumentException($"The shape ({Describe(dimensions)}) has more values than a 64-bit count can hold.", nameof(dimensions));
            elements *= d;
        }

        _dimensions = (int[])dimensions.Clone();
        ElementCount = elements;
    }

    /// <summary>The per-sample dimensions.</summary>
    public IReadOnlyList<int> Dimensions => _dimensions;

    /// <summary>Number of per-sample dimensions (3 for an image, 1 for a feature vector).</summary>
    public int Rank => _dimensions.Length;

    /// <summary>Dimension <paramref name="index"/>.</summary>
    public int this[int index] => _dimensions[index];

    /// <summary>Number of values per sample (checked when the shape is created: it never overflows).</summary>
    public long ElementCount { get; }

    /// <summary>The dimensions with the batch dimension <paramref name="batchSize"/> in front, for TorchSharp.</summary>
    public long[] WithBatch(long batchSize) => [batchSize, .. _dimensions.Select(d => (long)d)];

    /// <inheritdoc />
    public bool Equals(TensorShape? other) => other is not null && _dimensions.AsSpan().SequenceEqual(other._dimensions);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as TensorShape);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var d in _dimensions) hash.Add(d);
        return hash.ToHashCode();
    }

    private static string Describe(int[] dimensions) =>
        dimensions.Length <= 16
            ? string.Join(", ", dimensions.Select(d => d.ToString(CultureInfo.InvariantCulture)))
            : string.Join(", ", dimensions.Take(16).Select(d => d.ToString(CultureInfo.InvariantCulture))) + $", … {dimensions.Length} dimensions";

    /// <summary>Keras notation, e.g. <c>(None, 32, 28, 28)</c>.</summary>
    public override string ToString() => "(None, " + string.Join(", ", _dimensions.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")";
}
