using System.Globalization;

namespace Mnist.Data;

/// <summary>
/// The content of one IDX file: its element type, its dimensions and its values (converted from big-endian to the
/// machine's native order, row-major). Immutable by convention: the arrays it returns must not be modified.
/// </summary>
public sealed class IdxArray
{
    private readonly int[] _dimensions;

    internal IdxArray(string source, IdxElementType elementType, int[] dimensions, Array values)
    {
        Source = source;
        ElementType = elementType;
        _dimensions = dimensions;
        Values = values;
    }

    /// <summary>The file path or display name the array was read from.</summary>
    public string Source { get; }

    /// <summary>The element type declared by the file.</summary>
    public IdxElementType ElementType { get; }

    /// <summary>The dimensions, outermost first (e.g. 60000, 28, 28); every one is positive.</summary>
    public IReadOnlyList<int> Dimensions => _dimensions;

    /// <summary>Number of dimensions (1–255).</summary>
    public int Rank => _dimensions.Length;

    /// <summary>Number of elements (the product of <see cref="Dimensions"/>).</summary>
    public long ElementCount => Values.LongLength;

    /// <summary>
    /// The values as a one-dimensional array of the CLR type matching <see cref="ElementType"/>:
    /// <see cref="byte"/>, <see cref="sbyte"/>, <see cref="short"/>, <see cref="int"/>, <see cref="float"/> or <see cref="double"/>.
    /// </summary>
    public Array Values { get; }

    /// <summary>A description such as "60000×28×28 u8".</summary>
    public string ShapeText => Describe(_dimensions, ElementType);

    /// <summary>The values as <typeparamref name="T"/>[] without copying.</summary>
    /// <typeparam name="T">The CLR type matching <see cref="ElementType"/> (e.g. <see cref="byte"/> for u8).</typeparam>
    /// <exception cref="InvalidOperationException">The file holds another element type.</exception>
    public T[] GetValues<T>()
        where T : unmanaged
    {
        // Compare exact types: the CLR lets an sbyte[] pass as a byte[] (and vice versa) in casts and patterns.
        if (Values.GetType() == typeof(T[])) return (T[])Values;
        throw new InvalidOperationException(
            $"'{Source}' holds {ElementType.ShortName()} values ({ElementType.ClrType().Name}), not {typeof(T).Name}.");
    }

    /// <summary>The values of a u8 file without copying.</summary>
    /// <exception cref="InvalidOperationException">The file is not u8.</exception>
    public byte[] GetBytes() => GetValues<byte>();

    /// <summary>A copy of the values converted to <see cref="double"/> (exact for every IDX type).</summary>
    public double[] ToDoubleArray()
    {
        var result = new double[Values.LongLength];
        switch (ElementType)
        {
            case IdxElementType.UnsignedByte: Widen(GetValues<byte>(), result, v => v); break;
            case IdxElementType.SignedByte: Widen(GetValues<sbyte>(), result, v => v); break;
            case IdxElementType.Int16: Widen(GetValues<short>(), result, v => v); break;
            case IdxElementType.Int32: Widen(GetValues<int>(), result, v => v); break;
            case IdxElementType.Single: Widen(GetValues<float>(), result, v => v); break;
            default: Array.Copy(GetValues<double>(), result, result.LongLength); break;
        }

        return result;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Source}: {ShapeText}";

    private static void Widen<T>(T[] source, double[] destination, Func<T, double> widen)
    {
        for (long i = 0; i < source.LongLength; i++) destination[i] = widen(source[i]);
    }

    internal static string Describe(IReadOnlyList<int> dimensions, IdxElementType type)
        => string.Join("×", dimensions.Select(d => d.ToString(CultureInfo.InvariantCulture))) + " " + type.ShortName();
}
