namespace Mnist.Tests.Preprocessing;

/// <summary>
/// Writes GIF files byte by byte (GIF89a, two-colour global palette, LZW with minimum code size 2), independent of
/// ImageSharp's encoder, so that tests can build files no encoder would: huge logical screens, thousands of frames.
/// </summary>
internal sealed class GifFiles
{
    private readonly MemoryStream _gif = new();

    /// <summary>Starts a GIF with a <paramref name="width"/> × <paramref name="height"/> logical screen and the palette (index 0, index 1).</summary>
    public GifFiles(int width, int height, (byte R, byte G, byte B) colour0, (byte R, byte G, byte B) colour1)
    {
        _gif.Write("GIF89a"u8);
        WriteUInt16(width);
        WriteUInt16(height);
        _gif.WriteByte(0x80); // global colour table of 2^(0+1) = 2 entries, colour resolution 1 bit
        _gif.WriteByte(0); // background colour index
        _gif.WriteByte(0); // pixel aspect ratio
        _gif.Write([colour0.R, colour0.G, colour0.B, colour1.R, colour1.G, colour1.B]);

        // NETSCAPE2.0 application extension: loop forever, as animated GIFs do.
        _gif.Write([0x21, 0xFF, 0x0B, .. "NETSCAPE2.0"u8, 0x03, 0x01, 0x00, 0x00, 0x00]);
    }

    /// <summary>Black (index 0) and white (index 1).</summary>
    public static (byte, byte, byte) Black => (0, 0, 0);

    /// <summary>White.</summary>
    public static (byte, byte, byte) White => (255, 255, 255);

    /// <summary>Frames added so far.</summary>
    public int FrameCount { get; private set; }

    /// <summary>Adds a frame at (<paramref name="left"/>, <paramref name="top"/>) whose pixel (x, y) has palette index <paramref name="index"/>(x, y) (0 or 1).</summary>
    public GifFiles AddFrame(int left, int top, int width, int height, Func<int, int, int> index)
    {
        // Graphic control extension: no transparency, disposal "do not dispose", 1/100 s delay.
        _gif.Write([0x21, 0xF9, 0x04, 0x04, 0x01, 0x00, 0x00, 0x00]);
        _gif.WriteByte(0x2C);
        WriteUInt16(left);
        WriteUInt16(top);
        WriteUInt16(width);
        WriteUInt16(height);
        _gif.WriteByte(0); // no local colour table, not interlaced
        _gif.WriteByte(2); // LZW minimum code size
        WriteSubBlocks(Lzw(width, height, index));
        FrameCount++;
        return this;
    }

    /// <summary>Adds a 1×1 frame of palette index 1 at (<paramref name="left"/>, <paramref name="top"/>): 24 bytes per frame.</summary>
    public GifFiles AddDot(int left, int top) => AddFrame(left, top, 1, 1, (_, _) => 1);

    /// <summary>The file, with the trailer.</summary>
    public byte[] ToArray()
    {
        var bytes = _gif.ToArray();
        return [.. bytes, 0x3B];
    }

    /// <summary>
    /// LZW codes without compression: with minimum code size 2 the clear code is 4, the end code 5 and codes are 3 bits
    /// wide; a clear code before every two pixels keeps the decoder's table from growing, so the width never changes.
    /// </summary>
    private static byte[] Lzw(int width, int height, Func<int, int, int> index)
    {
        const int clear = 4, end = 5, bitsPerCode = 3;
        var output = new List<byte>();
        int buffer = 0, bits = 0;
        void Emit(int code)
        {
            buffer |= code << bits;
            bits += bitsPerCode;
            while (bits >= 8)
            {
                output.Add((byte)buffer);
                buffer >>= 8;
                bits -= 8;
            }
        }

        int n = 0;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                if (n++ % 2 == 0) Emit(clear);
                Emit(index(x, y) & 1);
            }
        }

        Emit(end);
        if (bits > 0) output.Add((byte)buffer);
        return [.. output];
    }

    private void WriteSubBlocks(byte[] data)
    {
        for (int offset = 0; offset < data.Length; offset += 255)
        {
            int length = Math.Min(255, data.Length - offset);
            _gif.WriteByte((byte)length);
            _gif.Write(data, offset, length);
        }

        _gif.WriteByte(0);
    }

    private void WriteUInt16(int value)
    {
        _gif.WriteByte((byte)value);
        _gif.WriteByte((byte)(value >> 8));
    }
}
