using System.IO.Compression;
using Mnist.Preprocessing;
using Mnist.Tests.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using Xunit.Abstractions;

namespace Mnist.Tests.Preprocessing;

/// <summary>
/// Images built to exhaust memory or time: an animated GIF whose every frame is a copy of a huge logical screen, a
/// multi-page TIFF, a PNG whose text chunk inflates to hundreds of megabytes. Each must be refused or decoded from its
/// first frame alone, within seconds and a bounded amount of memory.
/// </summary>
public sealed class ImageBombTests(ITestOutputHelper output) : IDisposable
{
    private const long MiB = 1024 * 1024;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>The GIF of the bug report: a 4000×4000 logical screen and 3,000 one-pixel frames, about 72 KB.</summary>
    private static byte[] GifBomb(int screen = 4000, int frames = 3000)
    {
        var gif = new GifFiles(screen, screen, GifFiles.Black, GifFiles.White);
        for (int i = 0; i < frames; i++) gif.AddDot(screen / 2 + i % 7, screen / 2 + i % 5);
        return gif.ToArray();
    }

    [Fact]
    public void The_gif_bomb_of_the_bug_report_decodes_one_frame_in_seconds_and_a_bounded_amount_of_memory()
    {
        var bomb = GifBomb();
        bomb.Length.Should().BeInRange(60_000, 80_000, "the report's file was about 72 KB");
        string path = _dir.Combine("bomb.gif");
        File.WriteAllBytes(path, bomb);
        byte[]? digit = null;

        // Before the fix ImageSharp kept each of the 3,000 frames as a 64 MB copy of the screen: 192 GB.
        var cost = MemoryProbe.Measure(() => digit = DigitImagePreprocessor.Default.Preprocess(path));

        output.WriteLine($"GIF bomb ({bomb.Length:N0} bytes, 4000×4000, 3,000 frames), default limits: {cost}");
        cost.Exception.Should().BeNull();
        digit.Should().HaveCount(28 * 28, "the first frame (one white dot on black) is a valid, if odd, digit");
        cost.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20));
        cost.PeakGrowthBytes.Should().BeLessThan(400 * MiB, "one 4000×4000 frame is 64 MB as RGBA and 16 MB as greyscale");
    }

    [Fact]
    public void The_gif_bomb_is_refused_from_its_header_when_its_screen_is_over_the_pixel_limit()
    {
        var preprocessor = new DigitImagePreprocessor(new DigitPreprocessingOptions { MaxPixelCount = 10_000_000 });
        string path = _dir.Combine("bomb.gif");
        File.WriteAllBytes(path, GifBomb());
        DigitImageException? error = null;

        var cost = MemoryProbe.Measure(() => error = Assert.Throws<DigitImageException>(() => preprocessor.Preprocess(path)));

        output.WriteLine($"GIF bomb, MaxPixelCount 10,000,000: {cost}");
        error!.Problem.Should().Be(DigitImageProblem.TooLarge);
        error.Message.Should().Be($"{path}: the GIF image is 4,000×4,000 pixels (16,000,000 pixels); the limit is 10,000,000 pixels (MaxPixelCount). It was not decoded.");
        cost.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
        cost.PeakGrowthBytes.Should().BeLessThan(100 * MiB);
    }

    [Fact]
    public void A_gif_screen_over_the_side_limit_is_refused_from_its_header()
    {
        using var stream = new MemoryStream(new GifFiles(60_000, 10, GifFiles.Black, GifFiles.White).AddDot(0, 0).ToArray());

        var act = () => DigitImagePreprocessor.Default.Preprocess(stream, "wide.gif");

        act.Should().Throw<DigitImageException>()
            .WithMessage("wide.gif: the GIF image is 60,000×10 pixels; the limit is 16,384 pixels per side (MaxSidePixels). It was not decoded.");
    }

    [Fact]
    public void A_gif_within_the_limits_with_thousands_of_frames_decodes_only_its_first_frame()
    {
        // Frame 1 paints a dark bar on white over the whole 64×64 screen; the 5,000 frames after it each add a dark dot
        // that would move the bar's centre of mass, had they been composed into the result.
        static int Bar(int x, int y) => x is >= 28 and < 36 && y is >= 10 and < 54 ? 1 : 0;
        var single = new GifFiles(64, 64, GifFiles.White, GifFiles.Black).AddFrame(0, 0, 64, 64, Bar).ToArray();
        var animated = new GifFiles(64, 64, GifFiles.White, GifFiles.Black).AddFrame(0, 0, 64, 64, Bar);
        for (int i = 0; i < 5000; i++) animated.AddDot(4 + i % 50, 4 + i % 3);
        var bytes = animated.ToArray();
        using var reference = Image.Load<L8>(single);
        reference.Frames.Count.Should().Be(1, "the single-frame file is the reference");

        using (var decoded = DigitImagePreprocessor.Default.DecodeChecked(new MemoryStream(bytes), "animated.gif"))
        {
            decoded.Frames.Count.Should().Be(1);
            decoded.Width.Should().Be(64);
        }

        byte[]? digit = null;
        var cost = MemoryProbe.Measure(() => digit = DigitImagePreprocessor.Default.Preprocess(new MemoryStream(bytes), "animated.gif"));
        output.WriteLine($"64×64 GIF with 5,001 frames ({bytes.Length:N0} bytes): {cost}");
        cost.Exception.Should().BeNull();
        digit.Should().Equal(DigitImagePreprocessor.Default.Preprocess(new MemoryStream(single), "single.gif"));
        cost.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void The_crafted_gif_decodes_as_imagesharp_and_the_gif_format_say()
    {
        // Checks the hand-written LZW: every pixel of a 5×3 frame round-trips through ImageSharp's own decoder.
        static int Pattern(int x, int y) => (x * 3 + y) % 2;
        using var image = Image.Load<Rgba32>(new GifFiles(5, 3, GifFiles.Black, GifFiles.White).AddFrame(0, 0, 5, 3, Pattern).AddDot(0, 0).ToArray());

        image.Frames.Count.Should().Be(2, "ImageSharp's default decoder reads every frame");
        for (int y = 0; y < 3; y++)
        {
            for (int x = 0; x < 5; x++) image.Frames.RootFrame[x, y].R.Should().Be((byte)(Pattern(x, y) * 255), $"pixel ({x}, {y})");
        }
    }

    [Fact]
    public void A_multi_page_tiff_decodes_only_its_first_page()
    {
        // Page 1 is 40×40 with a bar, page 2 is 3×3. ImageSharp's default decoder reads both and then refuses pages of
        // different sizes with a NotSupportedException; the preprocessor never looks at page 2.
        var tiff = TwoPageTiff();
        Action loadAll = () => Image.Load<L8>(tiff).Dispose();
        loadAll.Should().Throw<NotSupportedException>("this is what ImageSharp's defaults do with the file");

        using (var decoded = DigitImagePreprocessor.Default.DecodeChecked(new MemoryStream(tiff), "pages.tif"))
        {
            decoded.Frames.Count.Should().Be(1);
            decoded.Size().Should().Be(new Size(40, 40));
        }

        var digit = DigitImagePreprocessor.Default.Preprocess(new MemoryStream(tiff), "pages.tif");
        DigitImages.InkBox(digit, 28).Height.Should().BeInRange(19, 21);
    }

    [Fact]
    public void A_png_text_chunk_that_inflates_to_200_mb_is_not_inflated()
    {
        // ImageSharp 2.1 inflates zTXt chunks without a bound, four bytes at a time into a List<byte>, already while
        // identifying: ~200 KB of deflated zeros cost gigabytes and minutes. The preprocessor skips PNG text metadata.
        using var image = new Image<L8>(30, 30, new L8(255));
        for (int y = 5; y < 25; y++)
        {
            for (int x = 12; x < 17; x++) image[x, y] = new L8(0);
        }

        using var png = new MemoryStream();
        image.SaveAsPng(png);
        var bytes = InsertChunkAfterIhdr(png.ToArray(), "zTXt", [.. "Comment"u8, 0, 0, .. ZlibZeros(200 * (int)MiB)]);
        bytes.Length.Should().BeLessThan(400_000);
        byte[]? digit = null;

        var cost = MemoryProbe.Measure(() => digit = DigitImagePreprocessor.Default.Preprocess(new MemoryStream(bytes), "text-bomb.png"));

        output.WriteLine($"PNG with a zTXt chunk inflating to 200 MiB ({bytes.Length:N0} bytes): {cost}");
        cost.Exception.Should().BeNull();
        digit.Should().Equal(DigitImagePreprocessor.Default.Preprocess(image));
        cost.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
        cost.PeakGrowthBytes.Should().BeLessThan(100 * MiB);
    }

    [Fact]
    public void The_exif_orientation_of_a_png_is_still_applied()
    {
        // A horizontal bar stored with orientation 6 ("rotate 90° clockwise to display") is a vertical bar.
        using var stored = new Image<L8>(60, 30, new L8(255));
        for (int y = 12; y < 18; y++)
        {
            for (int x = 5; x < 55; x++) stored[x, y] = new L8(0);
        }

        stored.Metadata.ExifProfile = new ExifProfile();
        stored.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6);
        using var png = new MemoryStream();
        stored.SaveAsPng(png);

        var digit = DigitImagePreprocessor.Default.Preprocess(new MemoryStream(png.ToArray()), "rotated.png");

        var (width, height) = DigitImages.InkBox(digit, 28);
        height.Should().Be(20, "the bar stands upright once oriented");
        width.Should().BeLessThan(6);
    }

    [Fact]
    public void A_device_that_never_ends_is_refused_without_reading_it_all()
    {
        // /dev/zero never ends; it reports a length of 0 (refused as empty) or, if it cannot seek, is read up to MaxFileBytes.
        if (!File.Exists("/dev/zero")) return;
        var preprocessor = new DigitImagePreprocessor(new DigitPreprocessingOptions { MaxFileBytes = 1 * MiB });

        var act = () => preprocessor.Preprocess("/dev/zero");

        var ex = act.Should().Throw<DigitImageException>().Which;
        ex.Problem.Should().BeOneOf(DigitImageProblem.TooLarge, DigitImageProblem.Undecodable);
    }

    [Theory]
    [InlineData(10, 0x7FFF_FF00u, "the BMP header puts the pixel data at byte 2,147,483,392, beyond the end of the 6,198-byte file. It was not decoded.")]
    [InlineData(46, 0x1FFF_FFFFu, "the BMP header declares a palette of 536,870,911 colours (2,147,483,644 bytes), more than the 6,198-byte file holds. It was not decoded.")]
    public void A_bmp_whose_header_sizes_exceed_the_file_is_refused_before_imagesharp_allocates_from_them(int offset, uint value, string message)
    {
        // With no colour count, ImageSharp 2.1 sizes an 8-bit BMP's palette from the data offset and allocates it before it
        // compares the offset with the file: a 2 GB array for this 6 KB file (measured before the check). A colour count
        // that large it refuses itself, after the offset; both are now refused first, with a message that says why.
        var bmp = File.ReadAllBytes(Directory.GetFiles(Path.Combine(Mnist.Tests.Infrastructure.RepoPaths.Root, "samples", "Mnist.Predict", "images"), "digit-2-*.bmp").Single());
        bmp.Length.Should().Be(6198);
        BitConverter.GetBytes(value).CopyTo(bmp, offset);
        DigitImageException? error = null;

        var cost = MemoryProbe.Measure(() => error = Assert.Throws<DigitImageException>(() => DigitImagePreprocessor.Default.Preprocess(new MemoryStream(bmp), "palette.bmp")));

        output.WriteLine($"BMP with 0x{value:X} at byte {offset}: {cost}");
        error!.Problem.Should().Be(DigitImageProblem.Undecodable);
        error.Message.Should().Be("palette.bmp: " + message);
        cost.AllocatedBytes.Should().BeLessThan(50 * MiB);
    }

    [Fact]
    public void A_webp_chunk_declaring_more_bytes_than_the_file_is_refused_before_imagesharp_allocates_them()
    {
        // ImageSharp 2.1 allocates a WebP chunk's declared size for its image data (and EXIF, XMP, ICC, alpha) before
        // reading it, already while identifying: 2 GB for this file of a few hundred bytes.
        using var image = new Image<L8>(30, 30, new L8(255));
        using var webp = new MemoryStream();
        image.Save(webp, new SixLabors.ImageSharp.Formats.Webp.WebpEncoder { FileFormat = SixLabors.ImageSharp.Formats.Webp.WebpFileFormatType.Lossless });
        var bytes = webp.ToArray();
        System.Text.Encoding.ASCII.GetString(bytes, 12, 4).Should().Be("VP8L");
        BitConverter.GetBytes(0x7FFF_FFF0u).CopyTo(bytes, 16);

        var act = () => DigitImagePreprocessor.Default.Preprocess(new MemoryStream(bytes), "chunk.webp");

        act.Should().Throw<DigitImageException>().Which.Message.Should().Be(
            $"chunk.webp: the WebP chunk 'VP8L' at byte 12 declares 2,147,483,632 bytes, more than the {bytes.Length - 20:N0} left in the file. It was not decoded.");
    }

    [Fact]
    public void Valid_webp_files_still_pass_the_chunk_check()
    {
        using var image = new Image<L8>(40, 40, new L8(255));
        for (int y = 8; y < 32; y++)
        {
            for (int x = 18; x < 23; x++) image[x, y] = new L8(0);
        }

        foreach (var format in new[] { SixLabors.ImageSharp.Formats.Webp.WebpFileFormatType.Lossless, SixLabors.ImageSharp.Formats.Webp.WebpFileFormatType.Lossy })
        {
            using var webp = new MemoryStream();
            image.Save(webp, new SixLabors.ImageSharp.Formats.Webp.WebpEncoder { FileFormat = format });

            var digit = DigitImagePreprocessor.Default.Preprocess(new MemoryStream(webp.ToArray()), "bar.webp");

            DigitImages.InkBox(digit, 28, threshold: 64).Height.Should().BeInRange(19, 21, format.ToString());
        }
    }

    /// <summary>A little-endian baseline TIFF with two uncompressed 8-bit greyscale pages: 40×40 (a dark bar on white) and 3×3.</summary>
    private static byte[] TwoPageTiff()
    {
        var first = new byte[40 * 40];
        for (int y = 0; y < 40; y++)
        {
            for (int x = 0; x < 40; x++) first[y * 40 + x] = x is >= 17 and < 23 && y is >= 5 and < 35 ? (byte)0 : (byte)255;
        }

        var second = new byte[9];
        using var tiff = new MemoryStream();
        using var writer = new BinaryWriter(tiff);
        writer.Write("II"u8);
        writer.Write((ushort)42);
        writer.Write(8u); // first IFD
        const int entries = 8, ifdSize = 2 + entries * 12 + 4;
        uint ifd1 = 8, ifd2 = ifd1 + ifdSize, data1 = ifd2 + ifdSize, data2 = data1 + (uint)first.Length;
        WriteIfd(writer, 40, 40, data1, (uint)first.Length, next: ifd2);
        WriteIfd(writer, 3, 3, data2, (uint)second.Length, next: 0);
        writer.Write(first);
        writer.Write(second);
        writer.Flush();
        return tiff.ToArray();

        static void WriteIfd(BinaryWriter w, uint width, uint height, uint offset, uint count, uint next)
        {
            w.Write((ushort)entries);
            Entry(w, 256, width); // ImageWidth
            Entry(w, 257, height); // ImageLength
            Entry(w, 258, 8, type: 3); // BitsPerSample
            Entry(w, 259, 1, type: 3); // Compression: none
            Entry(w, 262, 1, type: 3); // PhotometricInterpretation: black is zero
            Entry(w, 273, offset); // StripOffsets
            Entry(w, 278, height); // RowsPerStrip
            Entry(w, 279, count); // StripByteCounts
            w.Write(next);
        }

        static void Entry(BinaryWriter w, ushort tag, uint value, ushort type = 4)
        {
            w.Write(tag);
            w.Write(type);
            w.Write(1u);
            if (type == 3)
            {
                w.Write((ushort)value);
                w.Write((ushort)0);
            }
            else
            {
                w.Write(value);
            }
        }
    }

    private static byte[] ZlibZeros(int count)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1 << 20];
            for (int written = 0; written < count; written += zeros.Length) zlib.Write(zeros, 0, Math.Min(zeros.Length, count - written));
        }

        return compressed.ToArray();
    }

    private static byte[] InsertChunkAfterIhdr(byte[] png, string type, byte[] data)
    {
        const int afterIhdr = 8 + 8 + 13 + 4;
        return [.. png[..afterIhdr], .. DigitImages.PngChunk(type, data), .. png[afterIhdr..]];
    }
}
