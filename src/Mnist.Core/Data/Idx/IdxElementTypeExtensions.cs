namespace Mnist.Data;

/// <summary>Sizes and short names of <see cref="IdxElementType"/> values.</summary>
public static class IdxElementTypeExtensions
{
    /// <summary>Bytes per element: 1, 1, 2, 4, 4 or 8.</summary>
    /// <param name="type">A defined element type.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="type"/> is not a defined IDX type.</exception>
    public static int SizeInBytes(this IdxElementType type) => type switch
    {
        IdxElementType.UnsignedByte or IdxElementType.SignedByte => 1,
        IdxElementType.Int16 => 2,
        IdxElementType.Int32 or IdxElementType.Single => 4,
        IdxElementType.Double => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not an IDX element type."),
    };

    /// <summary>The short name used in messages: u8, i8, i16, i32, f32 or f64.</summary>
    /// <param name="type">A defined element type.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="type"/> is not a defined IDX type.</exception>
    public static string ShortName(this IdxElementType type) => type switch
    {
        IdxElementType.UnsignedByte => "u8",
        IdxElementType.SignedByte => "i8",
        IdxElementType.Int16 => "i16",
        IdxElementType.Int32 => "i32",
        IdxElementType.Single => "f32",
        IdxElementType.Double => "f64",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not an IDX element type."),
    };

    /// <summary>Whether <paramref name="code"/> (the third magic byte) names an IDX element type.</summary>
    /// <param name="code">The type code byte.</param>
    public static bool IsDefinedType(byte code) => code is 0x08 or 0x09 or 0x0B or 0x0C or 0x0D or 0x0E;

    internal static Type ClrType(this IdxElementType type) => type switch
    {
        IdxElementType.UnsignedByte => typeof(byte),
        IdxElementType.SignedByte => typeof(sbyte),
        IdxElementType.Int16 => typeof(short),
        IdxElementType.Int32 => typeof(int),
        IdxElementType.Single => typeof(float),
        IdxElementType.Double => typeof(double),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not an IDX element type."),
    };
}
