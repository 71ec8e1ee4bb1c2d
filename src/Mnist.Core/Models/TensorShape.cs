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
    /// <exception cref="ArgumentException">No dimension given, or one is not positive.</exception>
    public TensorShape(params int[] dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        if (dimensions.Length == 0) throw new ArgumentException("A shape needs at least one dimension.", nameof(dimensions));
        foreach (var d in dimensions)
        {
            if (d <= 0) throw new ArgumentException($"Every dimension must be positive; got ({string.Join(", ", dimensions)}).", nameof(dimensions));
        }

        _dimensions = (int[])dimensions.Clone();
    }

    /// <summary>The per-sample dimensions.</summary>
    public IReadOnlyList<int> Dimensions => _dimensions;

    /// <summary>Number of per-sample dimensions (3 for an image, 1 for a feature vector).</summary>
    public int Rank => _dimensions.Length;

    /// <summary>Dimension <paramref name="index"/>.</summary>
    public int this[int index] => _dimensions[index];

    /// <summary>Number of values per sample.</summary>
    public long ElementCount => _dimensions.Aggregate(1L, (a, d) => a * d);

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

    /// <summary>Keras notation, e.g. <c>(None, 32, 28, 28)</c>.</summary>
    public override string ToString() => "(None, " + string.Join(", ", _dimensions.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")";
}
