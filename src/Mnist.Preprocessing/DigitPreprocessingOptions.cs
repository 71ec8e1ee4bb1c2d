using SixLabors.ImageSharp.Processing;
using SixLabors.ImageSharp.Processing.Processors.Transforms;

namespace Mnist.Preprocessing;

/// <summary>
/// Settings of <see cref="DigitImagePreprocessor"/>: the classic MNIST recipe (invert to light-on-dark, crop to the ink's
/// bounding box, scale its longer side to <see cref="BoxSize"/>, centre by mass in a <see cref="TargetSize"/> square) and the
/// limits that protect against absurd or hostile inputs (<see cref="MaxFileBytes"/>, <see cref="MaxSidePixels"/>,
/// <see cref="MaxPixelCount"/>; only the first frame of a multi-frame file is ever decoded, so frame counts need no limit).
/// Mutable; the preprocessor validates and copies them when it is created, so later
/// changes do not affect it.
/// </summary>
public sealed class DigitPreprocessingOptions
{
    /// <summary>The default limit on width × height: 40,000,000 pixels.</summary>
    public const long DefaultMaxPixelCount = 40_000_000;

    /// <summary>The default limit on either side: 16,384 pixels.</summary>
    public const int DefaultMaxSidePixels = 16_384;

    /// <summary>The default limit on the encoded size: 64 MiB.</summary>
    public const long DefaultMaxFileBytes = 64L * 1024 * 1024;

    /// <summary>Side of the square output image in pixels. Default 28 (MNIST). Must be positive and at least <see cref="BoxSize"/>.</summary>
    public int TargetSize { get; set; } = 28;

    /// <summary>
    /// The ink's bounding box is scaled, keeping its aspect ratio, so that its longer side is this many pixels. Default 20
    /// (MNIST: digits normalised to a 20×20 box, then centred by mass in 28×28). Must be positive and at most <see cref="TargetSize"/>.
    /// </summary>
    public int BoxSize { get; set; } = 20;

    /// <summary>Whether to invert the image to light ink on black. Default <see cref="DigitInversion.Auto"/> (decided from the border's luminance).</summary>
    public DigitInversion Inversion { get; set; } = DigitInversion.Auto;

    /// <summary>
    /// A pixel (after inversion) counts as ink for the bounding box when it is brighter than the background level by more than
    /// this, on the 0–255 scale. The background level is the median of the image's border frame. Default 40 — high enough to
    /// ignore paper texture and JPEG noise, low enough to keep thin pen strokes. Range 0–254.
    /// </summary>
    public int InkThreshold { get; set; } = 40;

    /// <summary>
    /// When <see langword="true"/> (default) the cropped digit's levels are stretched so that the background level becomes 0 and
    /// the strongest ink 255, as in MNIST, whatever the paper's grey and the pen's darkness. When <see langword="false"/> the
    /// inverted luminance is used unchanged.
    /// </summary>
    public bool NormalizeLevels { get; set; } = true;

    /// <summary>The resampler that scales the cropped digit to <see cref="BoxSize"/> (anti-aliased). Default <see cref="KnownResamplers.Bicubic"/>.</summary>
    public IResampler Resampler { get; set; } = KnownResamplers.Bicubic;

    /// <summary>
    /// Images whose declared width × height (for a GIF its logical screen, for a TIFF its first page) exceeds this are
    /// rejected from their header, before anything is decoded. Default <see cref="DefaultMaxPixelCount"/> (40 megapixels):
    /// decoding needs about 5 bytes per pixel (10 while an EXIF rotation is applied), so ~200–400 MB at the limit. Raise it
    /// for larger photos; must be positive.
    /// </summary>
    public long MaxPixelCount { get; set; } = DefaultMaxPixelCount;

    /// <summary>Images whose declared width or height exceeds this are rejected from their header, before decoding. Default <see cref="DefaultMaxSidePixels"/> (16,384); must be positive.</summary>
    public int MaxSidePixels { get; set; } = DefaultMaxSidePixels;

    /// <summary>
    /// Files or streams longer than this many bytes are rejected before anything is read; non-seekable streams (and pipes
    /// or devices given as files) are buffered up to this and rejected when longer. Default <see cref="DefaultMaxFileBytes"/>
    /// (64 MiB). It also bounds what the decoders can allocate from size fields that are checked against the file (BMP
    /// palettes, WebP chunks, metadata). Raise it for very large scans; must be positive.
    /// </summary>
    public long MaxFileBytes { get; set; } = DefaultMaxFileBytes;

    /// <summary>A copy of these options.</summary>
    public DigitPreprocessingOptions Clone() => (DigitPreprocessingOptions)MemberwiseClone();

    /// <summary>Checks every setting; throws <see cref="ArgumentOutOfRangeException"/> or <see cref="ArgumentNullException"/> naming the first bad one.</summary>
    public void Validate()
    {
        if (TargetSize <= 0) throw new ArgumentOutOfRangeException(nameof(TargetSize), TargetSize, $"{nameof(TargetSize)} must be positive; got {TargetSize}.");
        if (BoxSize <= 0 || BoxSize > TargetSize)
            throw new ArgumentOutOfRangeException(nameof(BoxSize), BoxSize, $"{nameof(BoxSize)} must be between 1 and {nameof(TargetSize)} ({TargetSize}); got {BoxSize}.");
        if (!Enum.IsDefined(Inversion)) throw new ArgumentOutOfRangeException(nameof(Inversion), Inversion, $"{nameof(Inversion)} {Inversion} is not a defined {nameof(DigitInversion)}.");
        if (InkThreshold is < 0 or > 254)
            throw new ArgumentOutOfRangeException(nameof(InkThreshold), InkThreshold, $"{nameof(InkThreshold)} must be between 0 and 254; got {InkThreshold}.");
        if (Resampler is null) throw new ArgumentNullException(nameof(Resampler), $"{nameof(Resampler)} must not be null.");
        if (MaxPixelCount <= 0) throw new ArgumentOutOfRangeException(nameof(MaxPixelCount), MaxPixelCount, $"{nameof(MaxPixelCount)} must be positive; got {MaxPixelCount}.");
        if (MaxSidePixels <= 0) throw new ArgumentOutOfRangeException(nameof(MaxSidePixels), MaxSidePixels, $"{nameof(MaxSidePixels)} must be positive; got {MaxSidePixels}.");
        if (MaxFileBytes <= 0) throw new ArgumentOutOfRangeException(nameof(MaxFileBytes), MaxFileBytes, $"{nameof(MaxFileBytes)} must be positive; got {MaxFileBytes}.");
    }
}
