using Mnist.Tests.Infrastructure;
using Mnist.Preprocessing;
using Mnist.Tests.Data;
using Mnist.Tests.Plotting;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Mnist.Tests.Preprocessing;

public sealed class DigitImagePreprocessorTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A 300×200 white image with a dark "L" (bars 20 px thick, 80×120 overall) near the top-left corner.</summary>
    private static Image<L8> DarkLOnWhite()
    {
        var image = new Image<L8>(300, 200, new L8(255));
        for (int y = 30; y < 150; y++)
        {
            for (int x = 40; x < 60; x++) image[x, y] = new L8(10);
        }

        for (int y = 130; y < 150; y++)
        {
            for (int x = 40; x < 120; x++) image[x, y] = new L8(10);
        }

        return image;
    }

    [Fact]
    public void Off_centre_dark_strokes_on_white_become_a_20_pixel_light_digit_centred_by_mass_in_28x28()
    {
        using var image = DarkLOnWhite();

        var digit = DigitImagePreprocessor.Default.Preprocess(image);

        digit.Should().HaveCount(28 * 28);
        digit[0].Should().Be(0, "the white background is inverted to black");
        digit[27].Should().Be(0);
        digit[27 * 28].Should().Be(0);
        digit[28 * 28 - 1].Should().Be(0);
        digit.Max().Should().Be(255, "the strongest ink is stretched to 255");
        var (width, height) = DigitImages.InkBox(digit, 28);
        height.Should().BeInRange(19, 21, "the longer side (120 px) is scaled to 20");
        width.Should().BeInRange(12, 15, "the shorter side keeps the aspect ratio: 80 × 20 / 120 ≈ 13");
        var (cx, cy) = DigitImages.CentreOfMass(digit, 28);
        cx.Should().BeApproximately(14, 0.5);
        cy.Should().BeApproximately(14, 0.5);
    }

    [Fact]
    public void The_vertical_bar_of_the_L_is_ink_and_the_space_beside_it_is_background()
    {
        using var image = DarkLOnWhite();

        var digit = DigitImagePreprocessor.Default.Preprocess(image);

        // Locate the box: the bar is the leftmost ~3.3 px of the ink, the top-right of the box is empty.
        int left = Enumerable.Range(0, 28).First(x => Enumerable.Range(0, 28).Any(y => digit[y * 28 + x] > 0));
        int top = Enumerable.Range(0, 28).First(y => Enumerable.Range(0, 28).Any(x => digit[y * 28 + x] > 0));
        digit[(top + 5) * 28 + left + 1].Should().BeGreaterThan(200, "inside the vertical bar");
        digit[(top + 5) * 28 + left + 10].Should().Be(0, "right of the bar, above the foot of the L");
    }

    [Fact]
    public void An_mnist_digit_drawn_dark_on_white_and_off_centre_is_preprocessed_back_close_to_the_original()
    {
        var test = TestDigits.Test100;
        var correlations = new List<double>();
        for (int i = 0; i < 30; i++)
        {
            using var drawn = DigitImages.DarkOnWhite(test.GetImage(i), scale: 4, width: 220, height: 160, left: 7 + 3 * i, top: 11 + i);
            var digit = DigitImagePreprocessor.Default.Preprocess(drawn);
            correlations.Add(DigitImages.Correlation(digit, test.GetImage(i)));
        }

        correlations.Average().Should().BeGreaterThan(0.9);
        correlations.Min().Should().BeGreaterThan(0.8);
    }

    [Fact]
    public void The_mnist_digits_themselves_are_a_near_fixed_point_with_no_inversion()
    {
        var test = TestDigits.Test100;
        var preprocessor = new DigitImagePreprocessor(new DigitPreprocessingOptions { Inversion = DigitInversion.Auto });
        var correlations = new List<double>();
        for (int i = 0; i < 30; i++)
        {
            using var image = Image.LoadPixelData<L8>(test.GetImage(i), 28, 28);
            var digit = preprocessor.Preprocess(image);
            correlations.Add(DigitImages.Correlation(digit, test.GetImage(i)));
        }

        correlations.Average().Should().BeGreaterThan(0.9, "MNIST digits are light on black already (Auto must not invert them) and already boxed and centred");
    }

    [Fact]
    public void File_stream_and_non_seekable_stream_give_the_same_result_as_the_decoded_image()
    {
        using var image = DarkLOnWhite();
        string path = _dir.Combine("l.png");
        image.SaveAsPng(path);
        var expected = DigitImagePreprocessor.Default.Preprocess(image);

        DigitImagePreprocessor.Default.Preprocess(path).Should().Equal(expected);
        using var forwardOnly = new ForwardOnlyStream(File.ReadAllBytes(path));
        DigitImagePreprocessor.Default.Preprocess(forwardOnly, "upload.png").Should().Equal(expected);
    }

    [Fact]
    public void Transparent_background_is_treated_as_white_paper()
    {
        using var image = new Image<Rgba32>(60, 60, new Rgba32(0, 0, 0, 0));
        for (int y = 10; y < 50; y++)
        {
            for (int x = 25; x < 33; x++) image[x, y] = new Rgba32(0, 0, 0, 255);
        }

        string path = _dir.Combine("transparent.png");
        image.SaveAsPng(path);

        var digit = DigitImagePreprocessor.Default.Preprocess(path);

        var (width, height) = DigitImages.InkBox(digit, 28);
        height.Should().BeInRange(19, 21, "only the opaque black bar is ink");
        width.Should().BeInRange(3, 6);
    }

    [Fact]
    public void Undecodable_bytes_throw_a_digit_image_exception_naming_the_file()
    {
        string path = _dir.Combine("notes.png");
        File.WriteAllText(path, "this is not an image, just text with a .png name");

        var act = () => DigitImagePreprocessor.Default.Preprocess(path);

        var ex = act.Should().Throw<DigitImageException>().Which;
        ex.Problem.Should().Be(DigitImageProblem.Undecodable);
        ex.FileName.Should().Be(path);
        ex.Message.Should().StartWith(path + ": ").And.Contain("not an image in a supported format");
    }

    [Fact]
    public void A_truncated_png_is_undecodable()
    {
        using var image = DarkLOnWhite();
        using var full = new MemoryStream();
        image.SaveAsPng(full);
        using var truncated = new MemoryStream(full.ToArray()[..(int)(full.Length / 2)]);

        var act = () => DigitImagePreprocessor.Default.Preprocess(truncated, "half.png");

        act.Should().Throw<DigitImageException>().Which.Problem.Should().Be(DigitImageProblem.Undecodable);
    }

    [Fact]
    public void The_crafted_png_header_has_correct_chunk_crcs()
    {
        var png = DigitImages.PngHeaderOnly(1, 1);

        png[^4..].Should().Equal([0xAE, 0x42, 0x60, 0x82], "the CRC of an empty IEND chunk is the well-known AE 42 60 82");
        Image.Identify(png).Should().NotBeNull().And.Match<IImageInfo>(i => i.Width == 1 && i.Height == 1);
    }

    [Fact]
    public void A_png_declaring_100000_by_100000_pixels_is_rejected_from_its_header_before_decoding()
    {
        // The file has no image data at all: had it been decoded, the error would be "corrupt", not "too large".
        string path = _dir.Combine("huge.png");
        File.WriteAllBytes(path, DigitImages.PngHeaderOnly(100_000, 100_000));

        var act = () => DigitImagePreprocessor.Default.Preprocess(path);

        var ex = act.Should().Throw<DigitImageException>().Which;
        ex.Problem.Should().Be(DigitImageProblem.TooLarge);
        ex.Message.Should().Be($"{path}: the PNG image is 100,000×100,000 pixels; the limit is 16,384 pixels per side (MaxSidePixels). It was not decoded.");
    }

    [Fact]
    public void A_png_within_the_side_limit_but_over_the_pixel_limit_is_rejected_naming_the_pixel_count()
    {
        var options = new DigitPreprocessingOptions { MaxPixelCount = 1_000_000 };
        using var stream = new MemoryStream(DigitImages.PngHeaderOnly(2000, 1000));

        var act = () => new DigitImagePreprocessor(options).Preprocess(stream, "wide.png");

        act.Should().Throw<DigitImageException>()
            .Which.Message.Should().Be("wide.png: the PNG image is 2,000×1,000 pixels (2,000,000 pixels); the limit is 1,000,000 pixels (MaxPixelCount). It was not decoded.");
    }

    [Fact]
    public void A_file_over_the_byte_limit_is_rejected_without_reading_it()
    {
        using var image = DarkLOnWhite();
        string path = _dir.Combine("l.bmp");
        image.SaveAsBmp(path);
        long length = new FileInfo(path).Length;
        var preprocessor = new DigitImagePreprocessor(new DigitPreprocessingOptions { MaxFileBytes = 1000 });

        var act = () => preprocessor.Preprocess(path);

        var ex = act.Should().Throw<DigitImageException>().Which;
        ex.Problem.Should().Be(DigitImageProblem.TooLarge);
        ex.Message.Should().Contain($"{length:N0} bytes").And.Contain("limit is 1,000 bytes");
    }

    [Fact]
    public void A_non_seekable_stream_over_the_byte_limit_is_rejected()
    {
        using var stream = new ForwardOnlyStream(new byte[5000]);
        var preprocessor = new DigitImagePreprocessor(new DigitPreprocessingOptions { MaxFileBytes = 4096 });

        var act = () => preprocessor.Preprocess(stream, "endless");

        act.Should().Throw<DigitImageException>().Which.Problem.Should().Be(DigitImageProblem.TooLarge);
    }

    [Fact]
    public void A_blank_white_image_throws_blank_with_a_clear_message()
    {
        string path = _dir.Combine("white.png");
        using (var white = new Image<L8>(50, 40, new L8(255))) white.SaveAsPng(path);

        var act = () => DigitImagePreprocessor.Default.Preprocess(path);

        var ex = act.Should().Throw<DigitImageException>().Which;
        ex.Problem.Should().Be(DigitImageProblem.Blank);
        ex.Message.Should().Be($"{path}: the image is blank: no pixel is darker than the background (luminance 255) by more than the ink threshold 40.");
    }

    [Fact]
    public void Faint_paper_noise_below_the_ink_threshold_is_still_blank()
    {
        var random = new Random(5);
        using var paper = new Image<L8>(64, 64);
        for (int y = 0; y < 64; y++)
        {
            for (int x = 0; x < 64; x++) paper[x, y] = new L8((byte)random.Next(215, 246));
        }

        var act = () => DigitImagePreprocessor.Default.Preprocess(paper);

        act.Should().Throw<DigitImageException>().Which.Problem.Should().Be(DigitImageProblem.Blank);
    }

    [Fact]
    public void A_missing_file_is_unreadable()
    {
        string path = _dir.Combine("missing.png");

        var act = () => DigitImagePreprocessor.Default.Preprocess(path);

        var ex = act.Should().Throw<DigitImageException>().Which;
        ex.Problem.Should().Be(DigitImageProblem.Unreadable);
        ex.InnerException.Should().BeOfType<FileNotFoundException>();
    }

    [Fact]
    public void Always_inverts_like_auto_on_paper_and_never_finds_no_ink_brighter_than_white_paper()
    {
        using var image = DarkLOnWhite();

        var never = new DigitImagePreprocessor(new DigitPreprocessingOptions { Inversion = DigitInversion.Never });
        var always = new DigitImagePreprocessor(new DigitPreprocessingOptions { Inversion = DigitInversion.Always });

        always.Preprocess(image).Should().Equal(DigitImagePreprocessor.Default.Preprocess(image), "Auto sees a white border and inverts");
        // Not inverted, the white paper is the background level and nothing is brighter than it: no ink at all.
        var act = () => never.Preprocess(image);
        act.Should().Throw<DigitImageException>().Which.Problem.Should().Be(DigitImageProblem.Blank);
    }

    [Fact]
    public void Options_are_validated_and_copied()
    {
        var bad = () => new DigitImagePreprocessor(new DigitPreprocessingOptions { BoxSize = 30 });
        bad.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("BoxSize");
        var badThreshold = () => new DigitImagePreprocessor(new DigitPreprocessingOptions { InkThreshold = 255 });
        badThreshold.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("InkThreshold");

        var options = new DigitPreprocessingOptions { TargetSize = 32, BoxSize = 24 };
        var preprocessor = new DigitImagePreprocessor(options);
        options.TargetSize = 28;
        using var image = DarkLOnWhite();
        var digit = preprocessor.Preprocess(image);
        digit.Should().HaveCount(32 * 32);
        DigitImages.InkBox(digit, 32).Height.Should().BeInRange(23, 25);
        var (cx, cy) = DigitImages.CentreOfMass(digit, 32);
        cx.Should().BeApproximately(16, 0.5);
        cy.Should().BeApproximately(16, 0.5);
    }

    /// <summary>A readable stream that cannot seek or report its length, like a network body.</summary>
    private sealed class ForwardOnlyStream(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
