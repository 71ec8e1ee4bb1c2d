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
/// <para>Mutable, like the library's other options types: raise a limit with <c>new IdxReadLimits { MaxBytes = 2L &lt;&lt; 30 }</c>,
/// or start from <see cref="Largest"/>. The reader clones and validates the limits when it is called, so later changes
/// to the object do not affect a read in progress. Whatever the limits, the data held in memory never exceeds what the
/// file actually contains (a truncated file costs about its real content, never its declared size), and a gzip file
/// whose declared size exceeds what its compressed length can possibly inflate to is rejected at once.</para>
/// </remarks>
public sealed class IdxReadLimits
{
    /// <summary>The default of <see cref="MaxBytes"/>: 512 MiB (536,870,912 bytes), about 11 times MNIST's largest file.</summary>
    public const long DefaultMaxBytes = 512L << 20;

    /// <summary>The default of <see cref="MaxItems"/>: 2^20 = 1,048,576 items, about 17 times MNIST's 60,000.</summary>
    public const int DefaultMaxItems = 1 << 20;

    /// <summary>The default limits (<see cref="DefaultMaxBytes"/> and <see cref="DefaultMaxItems"/>): a new instance on every read, so the caller may change it.</summary>
    public static IdxReadLimits Default => new();

    /// <summary>
    /// The largest limits the reader supports: <see cref="MaxBytes"/> = <see cref="Array.MaxLength"/> (just under 2 GiB,
    /// the largest .NET array) and <see cref="MaxItems"/> = <see cref="int.MaxValue"/>. Only for trusted files. A new
    /// instance on every read.
    /// </summary>
    public static IdxReadLimits Largest => new() { MaxBytes = Array.MaxLength, MaxItems = int.MaxValue };

    /// <summary>
    /// Largest accepted data size in bytes (the product of the dimensions times the element size, the header not
    /// counted); default <see cref="DefaultMaxBytes"/>. Valid: 1 to <see cref="Array.MaxLength"/>.
    /// </summary>
    public long MaxBytes { get; set; } = DefaultMaxBytes;

    /// <summary>
    /// Largest accepted item count, i.e. the first dimension (images in an image file, labels in a label file);
    /// default <see cref="DefaultMaxItems"/>. Valid: at least 1.
    /// </summary>
    public int MaxItems { get; set; } = DefaultMaxItems;

    /// <summary>Checks both limits; the reader calls it on its copy.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="MaxBytes"/> is outside 1…<see cref="Array.MaxLength"/> or <see cref="MaxItems"/> is below 1 (<see cref="ArgumentException.ParamName"/> names it).</exception>
    public void Validate()
    {
        if (MaxBytes < 1 || MaxBytes > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(MaxBytes), MaxBytes, string.Create(CultureInfo.InvariantCulture, $"MaxBytes must be between 1 and {Array.MaxLength:N0}; got {MaxBytes}."));
        if (MaxItems < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxItems), MaxItems, $"MaxItems must be at least 1; got {MaxItems}.");
    }

    /// <summary>An independent copy (the limits hold only values).</summary>
    public IdxReadLimits Clone() => (IdxReadLimits)MemberwiseClone();

    /// <summary>A description such as "at most 1,048,576 items and 536,870,912 bytes".</summary>
    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"at most {MaxItems:N0} items and {MaxBytes:N0} bytes");
}
