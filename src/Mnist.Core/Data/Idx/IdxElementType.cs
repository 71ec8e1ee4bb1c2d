namespace Mnist.Data;

/// <summary>The element types an IDX file can declare in the third byte of its magic number.</summary>
public enum IdxElementType : byte
{
    /// <summary>Unsigned byte (<c>0x08</c>, "u8"): the type of every MNIST-style image and label file.</summary>
    UnsignedByte = 0x08,

    /// <summary>Signed byte (<c>0x09</c>, "i8").</summary>
    SignedByte = 0x09,

    /// <summary>Big-endian 16-bit signed integer (<c>0x0B</c>, "i16").</summary>
    Int16 = 0x0B,

    /// <summary>Big-endian 32-bit signed integer (<c>0x0C</c>, "i32").</summary>
    Int32 = 0x0C,

    /// <summary>Big-endian IEEE 754 single-precision float (<c>0x0D</c>, "f32").</summary>
    Single = 0x0D,

    /// <summary>Big-endian IEEE 754 double-precision float (<c>0x0E</c>, "f64").</summary>
    Double = 0x0E,
}
