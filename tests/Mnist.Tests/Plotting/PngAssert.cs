using System.Buffers.Binary;
using Mnist.Tests.Infrastructure;
using SkiaSharp;

namespace Mnist.Tests.Plotting;

/// <summary>Checks PNG bytes: signature, IHDR size, decodability and non-trivial content.</summary>
internal static class PngAssert
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Where the tests leave their pictures for a human to look at.</summary>
    public static string OutputFolder
    {
        get
        {
            var folder = Path.Combine(RepoPaths.Root, "tests", "Mnist.Tests", "bin", "plots");
            Directory.CreateDirectory(folder);
            return folder;
        }
    }

    /// <summary>Asserts a valid PNG of <paramref name="width"/> × <paramref name="height"/> with many colours; returns the decoded bitmap.</summary>
    public static SKBitmap ValidPng(byte[] png, int width, int height, int minimumDistinctColours = 16)
    {
        png.Length.Should().BeGreaterThan(33);
        png.AsSpan(0, 8).ToArray().Should().Equal(Signature, "a PNG starts with its 8-byte signature");
        // The first chunk is IHDR: length 13, type, then big-endian width and height.
        BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(8, 4)).Should().Be(13);
        System.Text.Encoding.ASCII.GetString(png, 12, 4).Should().Be("IHDR");
        BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)).Should().Be(width, "IHDR width");
        BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)).Should().Be(height, "IHDR height");

        var bitmap = SKBitmap.Decode(png);
        bitmap.Should().NotBeNull("SkiaSharp must decode the PNG");
        bitmap.Width.Should().Be(width);
        bitmap.Height.Should().Be(height);
        DistinctColours(bitmap).Should().BeGreaterThanOrEqualTo(minimumDistinctColours, "the picture must not be blank");
        return bitmap;
    }

    public static int DistinctColours(SKBitmap bitmap)
    {
        var colours = new HashSet<uint>();
        for (int y = 0; y < bitmap.Height; y++)
        {
            for (int x = 0; x < bitmap.Width; x++) colours.Add((uint)bitmap.GetPixel(x, y));
        }

        return colours.Count;
    }

    /// <summary>Fraction of pixels for which <paramref name="predicate"/> holds inside a rectangle.</summary>
    public static double Fraction(SKBitmap bitmap, SKRectI rect, Func<SKColor, bool> predicate)
    {
        int hits = 0, total = 0;
        for (int y = rect.Top; y < rect.Bottom; y++)
        {
            for (int x = rect.Left; x < rect.Right; x++)
            {
                total++;
                if (predicate(bitmap.GetPixel(x, y))) hits++;
            }
        }

        return (double)hits / total;
    }
}
