using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Mnist.Web.Tests.Infrastructure;

/// <summary>Test images: MNIST digits drawn dark on light paper as a user's photo or drawing would be.</summary>
internal static class DigitImages
{
    /// <summary>Test digit <paramref name="index"/> as dark ink on white, upscaled 3× to 84×84, as PNG.</summary>
    public static byte[] DarkOnLightPng(int index) => Encode(index, png: true);

    /// <summary>The same as JPEG (quality 90).</summary>
    public static byte[] DarkOnLightJpeg(int index) => Encode(index, png: false);

    /// <summary>An all-white PNG (no ink).</summary>
    public static byte[] WhitePng(int width = 64, int height = 64)
    {
        using var image = new Image<L8>(width, height, new L8(255));
        return ToPng(image);
    }

    /// <summary>A PNG of <paramref name="width"/> × <paramref name="height"/> pixels.</summary>
    public static byte[] Png(int width, int height)
    {
        using var image = new Image<L8>(width, height, new L8(255));
        return ToPng(image);
    }

    private static byte[] Encode(int index, bool png)
    {
        var pixels = TestModels.TestDigit(index);
        var inverted = pixels.Select(p => (byte)(255 - p)).ToArray();
        using var image = Image.LoadPixelData<L8>(inverted, 28, 28);
        image.Mutate(x => x.Resize(84, 84, KnownResamplers.Bicubic));
        if (png) return ToPng(image);
        using var stream = new MemoryStream();
        image.SaveAsJpeg(stream, new JpegEncoder { Quality = 90 });
        return stream.ToArray();
    }

    private static byte[] ToPng(Image image)
    {
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }
}
