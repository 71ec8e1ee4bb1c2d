using Mnist.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Mnist.Predict.Samples;

/// <summary>
/// Writes the demo images in <c>samples/Mnist.Predict/images/</c>: the first MNIST test digit of each class, upscaled, drawn as
/// dark ink on light, slightly shaded paper, off-centre on a larger canvas, as PNG, JPEG and BMP — inputs that need the full
/// preprocessing (inversion, background removal, cropping, scaling, centring) to look like MNIST again.
/// </summary>
public static class SampleImageGenerator
{
    private const int PaperTop = 244;
    private const int PaperBottom = 222;
    private const int Ink = 28;

    /// <summary>Writes one image per class of <paramref name="test"/> into <paramref name="directory"/>.</summary>
    /// <param name="test">The MNIST test split (28×28 digits, light on black).</param>
    /// <param name="directory">The output folder (created if needed).</param>
    /// <returns>The files written, named <c>digit-&lt;label&gt;-test&lt;index&gt;.&lt;ext&gt;</c>.</returns>
    public static IReadOnlyList<string> Generate(MnistDataset test, string directory)
    {
        ArgumentNullException.ThrowIfNull(test);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        for (int label = 0; label < test.ClassCount; label++)
        {
            int index = Enumerable.Range(0, test.Count).First(i => test.GetLabel(i) == label);
            var format = (label % 3) switch { 0 => "png", 1 => "jpg", _ => "bmp" };

            // BMP is uncompressed: a smaller canvas keeps the file at a few KB.
            (int width, int height, int side) = format == "bmp" ? (64, 80, 48) : (96, 120, 70 + 4 * (label % 4));
            int left = 4 + (label * 7) % (width - side - 8);
            int top = 4 + (label * 11) % (height - side - 8);
            using var image = Render(test.GetImage(index), test.Width, test.Height, width, height, side, left, top);
            string path = Path.Combine(directory, $"digit-{label}-test{index:D4}.{format}");
            switch (format)
            {
                case "png":
                    image.SaveAsPng(path, new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit8, CompressionLevel = PngCompressionLevel.BestCompression });
                    break;
                case "jpg":
                    image.SaveAsJpeg(path, new JpegEncoder { Quality = 85, ColorType = JpegColorType.Luminance });
                    break;
                default:
                    image.SaveAsBmp(path, new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel8 });
                    break;
            }

            written.Add(path);
        }

        return written;
    }

    /// <summary>
    /// Draws an MNIST digit (light on black) as dark ink on light paper: the digit is upscaled (bicubic) to
    /// <paramref name="side"/> pixels and placed at (<paramref name="left"/>, <paramref name="top"/>) on a
    /// <paramref name="width"/> × <paramref name="height"/> canvas whose paper shades from 244 at the top to 222 at the bottom.
    /// </summary>
    internal static Image<L8> Render(ReadOnlySpan<byte> digit, int digitWidth, int digitHeight, int width, int height, int side, int left, int top)
    {
        using var ink = Image.LoadPixelData<L8>(digit, digitWidth, digitHeight);
        ink.Mutate(x => x.Resize(side, side, KnownResamplers.Bicubic));
        var canvas = new Image<L8>(width, height);
        for (int y = 0; y < height; y++)
        {
            double paper = PaperTop + (PaperBottom - PaperTop) * (double)y / (height - 1);
            for (int x = 0; x < width; x++)
            {
                double coverage = x >= left && x < left + side && y >= top && y < top + side ? ink[x - left, y - top].PackedValue / 255.0 : 0;
                canvas[x, y] = new L8((byte)Math.Round(paper + (Ink - paper) * coverage));
            }
        }

        return canvas;
    }
}
