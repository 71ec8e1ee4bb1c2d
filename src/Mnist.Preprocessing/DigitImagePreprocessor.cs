using System.Globalization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Mnist.Preprocessing;

/// <summary>
/// Turns a photo, scan or drawing of one handwritten digit into an MNIST-style image: greyscale, light ink on a black
/// background, the ink's bounding box scaled (anti-aliased, aspect ratio kept) so that its longer side is 20 pixels, pasted
/// into a 28×28 field so that the centre of mass lands at (14, 14) — the recipe LeCun et al. used to build MNIST.
/// </summary>
/// <remarks>
/// <para>Steps: (1) EXIF orientation is applied and transparent areas are flattened onto white (onto black with
/// <see cref="DigitInversion.Never"/>); (2) the luminance is inverted when the image is dark-on-light
/// (<see cref="DigitPreprocessingOptions.Inversion"/>); (3) the background level is the median of the border frame (5 % of
/// the shorter side, at least one pixel); pixels brighter than it by more than
/// <see cref="DigitPreprocessingOptions.InkThreshold"/> are ink; (4) the image is cropped to the ink's bounding box and its
/// levels stretched so that background is 0 and the strongest ink 255; (5) the crop is resized so that its longer side is
/// <see cref="DigitPreprocessingOptions.BoxSize"/>; (6) it is pasted into the <see cref="DigitPreprocessingOptions.TargetSize"/>
/// square at the offset that moves its centre of mass — in pixel-index coordinates, as in MNIST, whose digits' centres of
/// mass lie in [13.5, 14.5] — to (size / 2, size / 2), rounded to whole pixels and clamped so that nothing is cut.</para>
/// <para>Files and streams are checked before decoding: the encoded size against
/// <see cref="DigitPreprocessingOptions.MaxFileBytes"/>, and the size declared in the header (read by
/// <see cref="Image.Identify(Stream)"/>) against <see cref="DigitPreprocessingOptions.MaxSidePixels"/> and
/// <see cref="DigitPreprocessingOptions.MaxPixelCount"/>. Only the first frame of a multi-frame file (an animated GIF, a
/// multi-page TIFF) is decoded, so the frame count of a file costs nothing; an animated WebP is refused. Metadata that
/// ImageSharp 2.1 would inflate without a bound (PNG text chunks, GIF comments) is skipped; the EXIF orientation of JPEG,
/// TIFF, WebP and PNG (<c>eXIf</c>) files is kept. Decoding an accepted image needs about 5 bytes per declared pixel (up to
/// 10 while an EXIF rotation is applied). Every failure is a <see cref="DigitImageException"/> naming the file and the
/// problem (and, for a limit, the option that raises it), whatever the decoder threw. Instances are immutable and
/// thread-safe.</para>
/// </remarks>
public sealed class DigitImagePreprocessor
{
    private const string SupportedFormats = "PNG, JPEG, BMP, GIF, TIFF, TGA, PBM, WebP";

    private readonly DigitPreprocessingOptions _options;

    /// <summary>Creates a preprocessor with validated copies of <paramref name="options"/> (the defaults when null).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    public DigitImagePreprocessor(DigitPreprocessingOptions? options = null)
    {
        var copy = options?.Clone() ?? new DigitPreprocessingOptions();
        copy.Validate();
        _options = copy;
    }

    /// <summary>A preprocessor with the default options (28×28 output, 20-pixel box, automatic inversion).</summary>
    public static DigitImagePreprocessor Default { get; } = new();

    /// <summary>A copy of the options in use.</summary>
    public DigitPreprocessingOptions Options => _options.Clone();

    /// <summary>Side of the square output image (<see cref="DigitPreprocessingOptions.TargetSize"/>).</summary>
    public int TargetSize => _options.TargetSize;

    /// <summary>Reads, checks, decodes and preprocesses an image file.</summary>
    /// <param name="path">A PNG, JPEG, BMP (or GIF, TIFF, TGA, PBM, WebP) file.</param>
    /// <returns><see cref="TargetSize"/>² bytes, row-major, 0 = background, 255 = ink.</returns>
    /// <exception cref="DigitImageException">The file is unreadable, too large, not a decodable image, or blank.</exception>
    public byte[] Preprocess(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new DigitImageException(path, DigitImageProblem.Unreadable, "cannot be read: " + ex.Message, ex);
        }

        using (stream)
        {
            if (stream.CanSeek) return PreprocessSeekable(stream, path);

            // A pipe or a character device: read at most MaxFileBytes of it.
            using var buffer = ReadBounded(stream, path);
            return PreprocessSeekable(buffer, path);
        }
    }

    /// <summary>Reads, checks, decodes and preprocesses an encoded image from a stream (from its current position).</summary>
    /// <param name="stream">The encoded image; a non-seekable stream is buffered, up to <see cref="DigitPreprocessingOptions.MaxFileBytes"/>.</param>
    /// <param name="name">A name for error messages (e.g. the upload's file name), or <see langword="null"/>.</param>
    /// <returns><see cref="TargetSize"/>² bytes, row-major, 0 = background, 255 = ink.</returns>
    /// <exception cref="DigitImageException">The stream is too long, not a decodable image, or blank.</exception>
    public byte[] Preprocess(Stream stream, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead) throw new ArgumentException("The stream is not readable.", nameof(stream));
        if (stream.CanSeek) return PreprocessSeekable(stream, name);
        using var buffer = ReadBounded(stream, name);
        return PreprocessSeekable(buffer, name);
    }

    /// <summary>Preprocesses an image already decoded to greyscale (its orientation and transparency already resolved).</summary>
    /// <param name="image">The greyscale image.</param>
    /// <returns><see cref="TargetSize"/>² bytes, row-major, 0 = background, 255 = ink.</returns>
    /// <exception cref="DigitImageException">The image is blank.</exception>
    public byte[] Preprocess(Image<L8> image) => Preprocess(image, name: null);

    /// <summary>Preprocesses an image already decoded to greyscale, naming it in error messages.</summary>
    /// <param name="image">The greyscale image.</param>
    /// <param name="name">A name for error messages, or <see langword="null"/>.</param>
    /// <returns><see cref="TargetSize"/>² bytes, row-major, 0 = background, 255 = ink.</returns>
    /// <exception cref="DigitImageException">The image is blank.</exception>
    public byte[] Preprocess(Image<L8> image, string? name)
    {
        ArgumentNullException.ThrowIfNull(image);
        int width = image.Width, height = image.Height;
        var pixels = new byte[checked(width * height)];
        image.CopyPixelDataTo(pixels);
        return PreprocessPixels(pixels, width, height, name);
    }

    private byte[] PreprocessSeekable(Stream stream, string? name)
    {
        using var greyscale = DecodeChecked(stream, name);
        return Preprocess(greyscale, name);
    }

    /// <summary>
    /// Checks the encoded size and the declared size of a seekable stream, then decodes its first frame to greyscale with
    /// orientation and transparency resolved. Internal so that tests can see how many frames were decoded.
    /// </summary>
    internal Image<L8> DecodeChecked(Stream stream, string? name)
    {
        long start, length;
        try
        {
            start = stream.Position;
            length = stream.Length - start;
        }
        catch (Exception ex) when (ex is IOException or NotSupportedException or UnauthorizedAccessException)
        {
            throw new DigitImageException(name, DigitImageProblem.Unreadable, "cannot be read: " + ex.Message, ex);
        }

        if (length > _options.MaxFileBytes)
            throw new DigitImageException(name, DigitImageProblem.TooLarge,
                Invariant($"the file is {length:N0} bytes; the limit is {_options.MaxFileBytes:N0} bytes ({nameof(DigitPreprocessingOptions.MaxFileBytes)}). It was not read."));
        if (length <= 0) throw new DigitImageException(name, DigitImageProblem.Undecodable, "the file is empty.");

        IImageInfo? info;
        IImageFormat? format;
        try
        {
            // Size fields that ImageSharp would allocate from before comparing them with the file, then the header.
            if (FileStructureCheck.FindInconsistency(stream, length) is { } inconsistency)
                throw new DigitImageException(name, DigitImageProblem.Undecodable, inconsistency + " It was not decoded.");
            stream.Position = start;
            info = Image.Identify(DecoderConfiguration.Instance, stream, out format);
        }
        catch (Exception ex) when (ex is not DigitImageException)
        {
            throw DecoderFailure(name, "header", ex);
        }

        if (info is null || format is null)
            throw new DigitImageException(name, DigitImageProblem.Undecodable, $"not an image in a supported format ({SupportedFormats}).");
        CheckDeclaredSize(info.Width, info.Height, format, name);

        byte[]? pngExif = null;
        try
        {
            if (format == PngFormat.Instance)
            {
                stream.Position = start;
                pngExif = PngExifChunk.Find(stream, length);
            }

            stream.Position = start;
        }
        catch (Exception ex)
        {
            throw DecoderFailure(name, "header", ex);
        }

        return Decode(stream, pngExif, name);
    }

    private void CheckDeclaredSize(int width, int height, IImageFormat format, string? name)
    {
        long pixels = (long)width * height;
        if (width <= 0 || height <= 0)
            throw new DigitImageException(name, DigitImageProblem.Undecodable, Invariant($"the {format.Name} header declares an empty image ({width}×{height})."));
        if (width > _options.MaxSidePixels || height > _options.MaxSidePixels)
            throw new DigitImageException(name, DigitImageProblem.TooLarge,
                Invariant($"the {format.Name} image is {width:N0}×{height:N0} pixels; the limit is {_options.MaxSidePixels:N0} pixels per side ({nameof(DigitPreprocessingOptions.MaxSidePixels)}). It was not decoded."));
        if (pixels > _options.MaxPixelCount)
            throw new DigitImageException(name, DigitImageProblem.TooLarge,
                Invariant($"the {format.Name} image is {width:N0}×{height:N0} pixels ({pixels:N0} pixels); the limit is {_options.MaxPixelCount:N0} pixels ({nameof(DigitPreprocessingOptions.MaxPixelCount)}). It was not decoded."));
    }

    private Image<L8> Decode(Stream stream, byte[]? pngExif, string? name)
    {
        try
        {
            using var colour = Image.Load<Rgba32>(DecoderConfiguration.Instance, stream);
            if (pngExif is not null) colour.Metadata.ExifProfile = new ExifProfile(pngExif);
            var background = _options.Inversion == DigitInversion.Never ? Color.Black : Color.White;
            colour.Mutate(x => x.AutoOrient().BackgroundColor(background));
            return colour.CloneAs<L8>();
        }
        catch (Exception ex)
        {
            throw DecoderFailure(name, "data", ex);
        }
    }

    /// <summary>
    /// Turns any exception thrown while identifying or decoding untrusted bytes into a <see cref="DigitImageException"/>:
    /// each means "this input is bad" (or the stream failed). ImageSharp's decoders throw <see cref="ImageFormatException"/>
    /// for most corrupt data, but hostile bytes also reach index, argument, null, division and overflow checks inside them
    /// (the fuzz tests meet all of these), and an absurd size field can make one ask for an array larger than .NET allows
    /// (<see cref="OutOfMemoryException"/>: "Array dimensions exceeded supported range"). The allocation failed, so nothing
    /// is held; the image is refused and the caller goes on.
    /// </summary>
    private static DigitImageException DecoderFailure(string? name, string part, Exception ex) => ex switch
    {
        InvalidMemoryOperationException => new DigitImageException(name, DigitImageProblem.TooLarge,
            "the image needs more memory than the decoder allows: " + ex.Message, ex),
        OutOfMemoryException => new DigitImageException(name, DigitImageProblem.TooLarge,
            $"the image {part} asks the decoder for more memory than it can have ({ex.Message})", ex),
        IOException and not EndOfStreamException => new DigitImageException(name, DigitImageProblem.Unreadable, "cannot be read: " + ex.Message, ex),
        UnauthorizedAccessException => new DigitImageException(name, DigitImageProblem.Unreadable, "cannot be read: " + ex.Message, ex),
        ImageFormatException or EndOfStreamException => new DigitImageException(name, DigitImageProblem.Undecodable, $"the image {part} is corrupt: " + ex.Message, ex),
        NotSupportedException => new DigitImageException(name, DigitImageProblem.Undecodable, "the image uses a feature the decoder does not support: " + ex.Message, ex),
        _ => new DigitImageException(name, DigitImageProblem.Undecodable, $"the image {part} is corrupt (the decoder failed with {ex.GetType().Name}: {ex.Message})", ex),
    };

    private MemoryStream ReadBounded(Stream stream, string? name)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = ReadChunk(stream, chunk, name)) > 0)
        {
            if (buffer.Length + read > _options.MaxFileBytes)
            {
                buffer.Dispose();
                throw new DigitImageException(name, DigitImageProblem.TooLarge,
                    Invariant($"the stream is longer than the limit of {_options.MaxFileBytes:N0} bytes ({nameof(DigitPreprocessingOptions.MaxFileBytes)}). It was not decoded."));
            }

            buffer.Write(chunk, 0, read);
        }

        buffer.Position = 0;
        return buffer;
    }

    private static int ReadChunk(Stream stream, byte[] chunk, string? name)
    {
        try
        {
            return stream.Read(chunk, 0, chunk.Length);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new DigitImageException(name, DigitImageProblem.Unreadable, "cannot be read: " + ex.Message, ex);
        }
    }

    private byte[] PreprocessPixels(byte[] pixels, int width, int height, string? name)
    {
        bool invert = _options.Inversion switch
        {
            DigitInversion.Always => true,
            DigitInversion.Never => false,
            _ => BorderMean(pixels, width, height) > 127.5,
        };
        if (invert)
        {
            for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(255 - pixels[i]);
        }

        int background = BorderMedian(pixels, width, height);
        int threshold = _options.InkThreshold;
        int left = width, top = height, right = -1, bottom = -1, strongest = 0;
        for (int y = 0; y < height; y++)
        {
            int row = y * width;
            for (int x = 0; x < width; x++)
            {
                int value = pixels[row + x];
                if (value - background <= threshold) continue;
                if (x < left) left = x;
                if (x > right) right = x;
                if (y < top) top = y;
                if (y > bottom) bottom = y;
                if (value > strongest) strongest = value;
            }
        }

        if (right < 0)
        {
            string ink = invert ? "darker" : "brighter";
            int level = invert ? 255 - background : background;
            throw new DigitImageException(name, DigitImageProblem.Blank,
                Invariant($"the image is blank: no pixel is {ink} than the background (luminance {level}) by more than the ink threshold {threshold}."));
        }

        int cropWidth = right - left + 1, cropHeight = bottom - top + 1;
        var crop = new byte[cropWidth * cropHeight];
        double gain = _options.NormalizeLevels ? 255.0 / (strongest - background) : 1.0;
        int offset = _options.NormalizeLevels ? background : 0;
        for (int y = 0; y < cropHeight; y++)
        {
            int source = (top + y) * width + left;
            for (int x = 0; x < cropWidth; x++)
            {
                double level = (pixels[source + x] - offset) * gain;
                crop[y * cropWidth + x] = (byte)Math.Clamp(Math.Round(level), 0, 255);
            }
        }

        return CenterByMass(Scale(crop, cropWidth, cropHeight, out int boxWidth, out int boxHeight), boxWidth, boxHeight, name);
    }

    private byte[] Scale(byte[] crop, int width, int height, out int boxWidth, out int boxHeight)
    {
        int box = _options.BoxSize;
        double scale = (double)box / Math.Max(width, height);
        boxWidth = width >= height ? box : Math.Clamp((int)Math.Round(width * scale, MidpointRounding.AwayFromZero), 1, box);
        boxHeight = height >= width ? box : Math.Clamp((int)Math.Round(height * scale, MidpointRounding.AwayFromZero), 1, box);
        if (boxWidth == width && boxHeight == height) return crop;

        using var image = Image.LoadPixelData<L8>(crop, width, height);
        int w = boxWidth, h = boxHeight;
        image.Mutate(x => x.Resize(w, h, _options.Resampler));
        var scaled = new byte[w * h];
        image.CopyPixelDataTo(scaled);
        return scaled;
    }

    private byte[] CenterByMass(byte[] box, int width, int height, string? name)
    {
        double mass = 0, sumX = 0, sumY = 0;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double value = box[y * width + x];
                mass += value;
                sumX += value * x;
                sumY += value * y;
            }
        }

        if (mass == 0)
            throw new DigitImageException(name, DigitImageProblem.Blank, Invariant($"the ink is too faint or thin to survive scaling to {_options.BoxSize} pixels."));

        int size = _options.TargetSize;
        double centre = size / 2.0;
        int offsetX = Math.Clamp((int)Math.Round(centre - sumX / mass, MidpointRounding.AwayFromZero), 0, size - width);
        int offsetY = Math.Clamp((int)Math.Round(centre - sumY / mass, MidpointRounding.AwayFromZero), 0, size - height);
        var output = new byte[size * size];
        for (int y = 0; y < height; y++)
        {
            Array.Copy(box, y * width, output, (offsetY + y) * size + offsetX, width);
        }

        return output;
    }

    private static int FrameWidth(int width, int height) => Math.Max(1, (int)Math.Round(Math.Min(width, height) * 0.05));

    private static IEnumerable<byte> Frame(byte[] pixels, int width, int height)
    {
        int frame = FrameWidth(width, height);
        for (int y = 0; y < height; y++)
        {
            int row = y * width;
            if (y < frame || y >= height - frame)
            {
                for (int x = 0; x < width; x++) yield return pixels[row + x];
                continue;
            }

            for (int x = 0; x < Math.Min(frame, width); x++) yield return pixels[row + x];
            for (int x = Math.Max(frame, width - frame); x < width; x++) yield return pixels[row + x];
        }
    }

    private static double BorderMean(byte[] pixels, int width, int height)
    {
        long sum = 0, count = 0;
        foreach (byte value in Frame(pixels, width, height))
        {
            sum += value;
            count++;
        }

        return (double)sum / count;
    }

    private static int BorderMedian(byte[] pixels, int width, int height)
    {
        var histogram = new long[256];
        long count = 0;
        foreach (byte value in Frame(pixels, width, height))
        {
            histogram[value]++;
            count++;
        }

        long half = (count + 1) / 2, seen = 0;
        for (int level = 0; level < 256; level++)
        {
            seen += histogram[level];
            if (seen >= half) return level;
        }

        return 255;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
