namespace Mnist.Data;

/// <summary>
/// An immutable set of greyscale images (N × H × W bytes, row-major, 0 = background) and their class labels,
/// as MNIST and its drop-ins (Fashion-MNIST, KMNIST) ship them. Thread-safe.
/// </summary>
public sealed partial class MnistDataset
{
    private readonly byte[] _pixels;
    private readonly byte[] _labels;

    /// <summary>Creates a dataset over copies-free buffers (the arrays must not be modified afterwards).</summary>
    /// <param name="pixels">N × <paramref name="height"/> × <paramref name="width"/> bytes, image after image.</param>
    /// <param name="labels">N class indices, each below <paramref name="classNames"/>' count.</param>
    /// <param name="height">Image height in pixels.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="classNames">Display names of the classes; defaults to "0".."9".</param>
    /// <param name="name">A display name, e.g. "MNIST train".</param>
    /// <exception cref="ArgumentException">Sizes disagree or a label is out of range.</exception>
    public MnistDataset(byte[] pixels, byte[] labels, int height = 28, int width = 28, IReadOnlyList<string>? classNames = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        long imageSize = (long)height * width;
        if (pixels.LongLength != imageSize * labels.LongLength)
        {
            throw new ArgumentException(
                $"{labels.Length:N0} labels need {labels.LongLength * imageSize:N0} pixel bytes ({labels.Length:N0}×{height}×{width}); got {pixels.LongLength:N0}. "
                + "Image and label files probably come from different splits or datasets.",
                nameof(pixels));
        }

        ClassNames = classNames ?? DefaultClassNames;
        if (ClassNames.Count is < 1 or > 256) throw new ArgumentException("Between 1 and 256 class names are required.", nameof(classNames));
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= ClassNames.Count)
                throw new ArgumentException($"Label {labels[i]} at index {i} is outside the {ClassNames.Count} classes.", nameof(labels));
        }

        _pixels = pixels;
        _labels = labels;
        Height = height;
        Width = width;
        Name = name ?? "dataset";
    }

    /// <summary>The class names "0" to "9".</summary>
    public static IReadOnlyList<string> DefaultClassNames { get; } = Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>A display name, e.g. "MNIST train".</summary>
    public string Name { get; }

    /// <summary>Number of samples.</summary>
    public int Count => _labels.Length;

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>Pixels per image (<see cref="Height"/> × <see cref="Width"/>).</summary>
    public int ImageSize => Height * Width;

    /// <summary>Display names of the classes; <see cref="ClassCount"/> of them.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Number of classes.</summary>
    public int ClassCount => ClassNames.Count;

    /// <summary>All pixels, image after image, row-major.</summary>
    public ReadOnlyMemory<byte> Pixels => _pixels;

    /// <summary>All labels.</summary>
    public ReadOnlyMemory<byte> Labels => _labels;

    /// <summary>The pixels of image <paramref name="index"/> (row-major, <see cref="ImageSize"/> bytes).</summary>
    public ReadOnlySpan<byte> GetImage(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"Index must be in [0, {Count}).");
        return new ReadOnlySpan<byte>(_pixels, index * ImageSize, ImageSize);
    }

    /// <summary>The label of sample <paramref name="index"/>.</summary>
    public int GetLabel(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"Index must be in [0, {Count}).");
        return _labels[index];
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {Count:N0} images {Height}×{Width}, {ClassCount} classes";
}
