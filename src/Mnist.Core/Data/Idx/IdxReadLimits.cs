using System.Globalization;

namespace Mnist.Data;

/// <summary>
/// Upper bounds that <see cref="IdxReader"/> (and the <see cref="MnistDataset"/> loaders built on it) applies to the
/// sizes an IDX header declares, <em>before</em> any memory is allocated for the data. A file that declares more is
/// rejected with an <see cref="IdxFormatException"/> naming the file, the declared size and the limit.
/// </summary>
/// <remarks>
/// <para>The defaults admit every MNIST-format dataset in common use with a wide margin (MNIST's largest file,
/// <c>train-images-idx3-ubyte</c>, holds 60,000 items and 47,040,000 bytes; EMNIST ByClass 697,932 items and
/// 547 MB would need a raised <see cref="MaxBytes"/>) while keeping a hostile header from costing gigabytes.</para>
/// <para>Raise them with <c>with</c>: <c>IdxReadLimits.Default with { MaxBytes = 2L &lt;&lt; 30 }</c>, or use
/// <see cref="Largest"/>. Whatever the limits, the data held in memory never exceeds what the file actually contains
/// (a truncated file costs about its real content, never its declared size), and a gzip file whose declared size
/// exceeds what its compressed length can possibly inflate to is rejected at once.</para>
/// </remarks>
public sealed record IdxReadLimits
{
    /// <summary>The default of <see cref="MaxBytes"/>: 512 MiB (536,870,912 bytes), about 11 times MNIST's largest file.</summary>
    public const long DefaultMaxBytes = 512L << 20;

    /// <summary>The default of <see cref="MaxItems"/>: 2^20 = 1,048,576 items, about 17 times MNIST's 60,000.</summary>
    public const int DefaultMaxItems = 1 << 20;

    private readonly long _maxBytes = DefaultMaxBytes;
    private readonly int _maxItems = DefaultMaxItems;

    /// <summary>The default limits: <see cref="DefaultMaxBytes"/> and <see cref="DefaultMaxItems"/>.</summary>
    public static IdxReadLimits Default { get; } = new();

    /// <summary>
    /// The largest limits the reader supports: <see cref="MaxBytes"/> = <see cref="Array.MaxLength"/> (just under 2 GiB,
    /// the largest .NET array) and <see cref="MaxItems"/> = <see cref="int.MaxValue"/>. Only for trusted files.
    /// </summary>
    public static IdxReadLimits Largest { get; } = new() { MaxBytes = Array.MaxLength, MaxItems = int.MaxValue };

    /// <summary>
    /// Largest accepted data size in bytes (the product of the dimensions times the element size, the header not
    /// counted); <see cref="DefaultMaxBytes"/> unless set. Between 1 and <see cref="Array.MaxLength"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 or above <see cref="Array.MaxLength"/>.</exception>
    public long MaxBytes
    {
        get => _maxBytes;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, nameof(MaxBytes));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, Array.MaxLength, nameof(MaxBytes));
            _maxBytes = value;
        }
    }

    /// <summary>
    /// Largest accepted item count, i.e. the first dimension (images in an image file, labels in a label file);
    /// <see cref="DefaultMaxItems"/> unless set. At least 1.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int MaxItems
    {
        get => _maxItems;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, nameof(MaxItems));
            _maxItems = value;
        }
    }

    /// <summary>A description such as "at most 1,048,576 items and 536,870,912 bytes".</summary>
    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"at most {MaxItems:N0} items and {MaxBytes:N0} bytes");
}
