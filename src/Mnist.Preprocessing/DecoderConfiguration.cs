using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Pbm;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tga;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Metadata;

namespace Mnist.Preprocessing;

/// <summary>
/// The ImageSharp configuration <see cref="DigitImagePreprocessor"/> identifies and decodes untrusted files with: the
/// eight built-in formats, with decoders set up so that nothing in a file can make them allocate more than its first
/// frame.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>GIF and TIFF decode only their first frame (<see cref="FrameDecodingMode.First"/>). With the default
/// (<see cref="FrameDecodingMode.All"/>) ImageSharp 2.1 keeps every frame of an animated GIF as a full copy of its
/// logical screen: a 72 KB GIF with a 4000×4000 screen and 3,000 one-pixel frames asks for 192 GB. Identify stops after
/// the first frame too.</item>
/// <item>GIF and PNG ignore metadata. ImageSharp 2.1 inflates PNG <c>zTXt</c>/<c>iTXt</c> text chunks without a bound
/// (and four bytes at a time into a list), so a few hundred KB of compressed text become gigabytes and minutes, already
/// in <see cref="Image.Identify(Configuration, Stream, out SixLabors.ImageSharp.Formats.IImageFormat)"/>; GIF comments
/// are collected into strings. Neither matters for a digit. The one piece of PNG metadata that does matter, the EXIF
/// orientation of an <c>eXIf</c> chunk, is read separately (<see cref="PngExifChunk"/>).</item>
/// <item>An animated WebP is refused by ImageSharp 2.1 itself (<see cref="NotSupportedException"/>).</item>
/// </list>
/// A new <see cref="Configuration"/> is built instead of cloning <see cref="Configuration.Default"/>, because in
/// ImageSharp 2.1 <see cref="Configuration.Clone"/> shares the format manager, so changing a decoder on a clone would
/// change it for the whole process.
/// </remarks>
internal static class DecoderConfiguration
{
    /// <summary>The configuration; immutable after construction, so it is shared by all preprocessors and threads.</summary>
    public static Configuration Instance { get; } = Create();

    private static Configuration Create()
    {
        var configuration = new Configuration(
            new PngConfigurationModule(),
            new JpegConfigurationModule(),
            new GifConfigurationModule(),
            new BmpConfigurationModule(),
            new PbmConfigurationModule(),
            new TgaConfigurationModule(),
            new TiffConfigurationModule(),
            new WebpConfigurationModule());
        var formats = configuration.ImageFormatsManager;
        formats.SetDecoder(GifFormat.Instance, new GifDecoder { DecodingMode = FrameDecodingMode.First, MaxFrames = 1, IgnoreMetadata = true });
        formats.SetDecoder(TiffFormat.Instance, new TiffDecoder { DecodingMode = FrameDecodingMode.First });
        formats.SetDecoder(PngFormat.Instance, new PngDecoder { IgnoreMetadata = true });
        return configuration;
    }
}
