using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Mnist.Tests.Preprocessing;

/// <summary>Test-side image helpers: independent measurements of 28×28 digits and hand-made inputs.</summary>
internal static class DigitImages
{
    /// <summary>Centre of mass in pixel-index coordinates (x, y), computed directly from the definition.</summary>
    public static (double X, double Y) CentreOfMass(byte[] image, int size)
    {
        double mass = 0, x = 0, y = 0;
        for (int row = 0; row < size; row++)
        {
            for (int col = 0; col < size; col++)
            {
                double v = image[row * size + col];
                mass += v;
                x += v * col;
                y += v * row;
            }
        }

        return (x / mass, y / mass);
    }

    /// <summary>Width and height of the bounding box of pixels above <paramref name="threshold"/>.</summary>
    public static (int Width, int Height) InkBox(byte[] image, int size, int threshold = 0)
    {
        int left = size, right = -1, top = size, bottom = -1;
        for (int row = 0; row < size; row++)
        {
            for (int col = 0; col < size; col++)
            {
                if (image[row * size + col] <= threshold) continue;
                left = Math.Min(left, col);
                right = Math.Max(right, col);
                top = Math.Min(top, row);
                bottom = Math.Max(bottom, row);
            }
        }

        return right < 0 ? (0, 0) : (right - left + 1, bottom - top + 1);
    }

    /// <summary>Pearson correlation of two equally long byte images.</summary>
    public static double Correlation(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        double meanA = 0, meanB = 0;
        for (int i = 0; i < a.Length; i++)
        {
            meanA += a[i];
            meanB += b[i];
        }

        meanA /= a.Length;
        meanB /= b.Length;
        double cov = 0, varA = 0, varB = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double da = a[i] - meanA, db = b[i] - meanB;
            cov += da * db;
            varA += da * da;
            varB += db * db;
        }

        return cov / Math.Sqrt(varA * varB);
    }

    /// <summary>
    /// The best Pearson correlation of <paramref name="a"/> with <paramref name="b"/> translated by up to
    /// <paramref name="maxShift"/> pixels in x and y (zero fill): "the same digit up to the whole-pixel rounding of the
    /// centring", which alone can move a digit by one pixel.
    /// </summary>
    public static double BestShiftedCorrelation(byte[] a, ReadOnlySpan<byte> b, int size, int maxShift = 1)
    {
        double best = double.NegativeInfinity;
        var shifted = new byte[size * size];
        for (int dy = -maxShift; dy <= maxShift; dy++)
        {
            for (int dx = -maxShift; dx <= maxShift; dx++)
            {
                Array.Clear(shifted);
                for (int y = 0; y < size; y++)
                {
                    for (int x = 0; x < size; x++)
                    {
                        int sx = x - dx, sy = y - dy;
                        if (sx >= 0 && sx < size && sy >= 0 && sy < size) shifted[y * size + x] = b[sy * size + sx];
                    }
                }

                best = Math.Max(best, Correlation(a, shifted));
            }
        }

        return best;
    }

    /// <summary>
    /// An MNIST digit (light on black) drawn as black ink on white: upscaled <paramref name="scale"/>× (bicubic), inverted,
    /// pasted at (<paramref name="left"/>, <paramref name="top"/>) on a white canvas.
    /// </summary>
    public static Image<L8> DarkOnWhite(ReadOnlySpan<byte> digit, int scale, int width, int height, int left, int top)
    {
        using var big = Image.LoadPixelData<L8>(digit, 28, 28);
        big.Mutate(x => x.Resize(28 * scale, 28 * scale, KnownResamplers.Bicubic));
        var canvas = new Image<L8>(width, height, new L8(255));
        for (int y = 0; y < big.Height; y++)
        {
            for (int x = 0; x < big.Width; x++) canvas[left + x, top + y] = new L8((byte)(255 - big[x, y].PackedValue));
        }

        return canvas;
    }

    /// <summary>A PNG file consisting only of the signature, a valid IHDR (correct CRC) declaring <paramref name="width"/> × <paramref name="height"/> greyscale pixels, and IEND — no image data.</summary>
    public static byte[] PngHeaderOnly(uint width, uint height)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        WriteBigEndian(ihdr, 0, width);
        WriteBigEndian(ihdr, 4, height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 0; // greyscale; compression, filter, interlace stay 0
        WriteChunk(png, "IHDR", ihdr);
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>One PNG chunk: length, type, data and a correct CRC.</summary>
    public static byte[] PngChunk(string type, byte[] data)
    {
        using var chunk = new MemoryStream();
        WriteChunk(chunk, type, data);
        return chunk.ToArray();
    }

    /// <summary>Recomputes the CRC of every chunk of a PNG (after the signature) whose structure is intact, so that a mutated file gets past the CRC checks; stops at the first chunk that runs past the end.</summary>
    public static void FixPngCrcs(byte[] png)
    {
        int offset = 8;
        while (offset + 12 <= png.Length)
        {
            uint length = (uint)(png[offset] << 24 | png[offset + 1] << 16 | png[offset + 2] << 8 | png[offset + 3]);
            if (length > png.Length - offset - 12) return;
            uint crc = Crc32(png[(offset + 4)..(offset + 8 + (int)length)]);
            WriteBigEndian(png, offset + 8 + (int)length, crc);
            offset += 12 + (int)length;
        }
    }

    private static void WriteChunk(Stream stream, string type, byte[] data)
    {
        var length = new byte[4];
        WriteBigEndian(length, 0, (uint)data.Length);
        stream.Write(length);
        byte[] typeAndData = [.. System.Text.Encoding.ASCII.GetBytes(type), .. data];
        stream.Write(typeAndData);
        var crc = new byte[4];
        WriteBigEndian(crc, 0, Crc32(typeAndData));
        stream.Write(crc);
    }

    private static void WriteBigEndian(byte[] buffer, int offset, uint value)
    {
        buffer[offset] = (byte)(value >> 24);
        buffer[offset + 1] = (byte)(value >> 16);
        buffer[offset + 2] = (byte)(value >> 8);
        buffer[offset + 3] = (byte)value;
    }

    /// <summary>CRC-32 (ISO-HDLC, as PNG uses), bit by bit.</summary>
    private static uint Crc32(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }

        return ~crc;
    }
}
