using MathNet.Numerics.Random;
using Mnist.Data;

namespace Mnist.Augmentation;

/// <summary>
/// Random erasing / cutout (Zhong et al. 2017; DeVries and Taylor 2017): with probability <see cref="Probability"/>, one
/// axis-aligned rectangle whose area is a uniform fraction in [<see cref="MinArea"/>, <see cref="MaxArea"/>] of the image
/// and whose aspect ratio (height / width) is log-uniform in [1/<see cref="MaxAspectRatio"/>, <see cref="MaxAspectRatio"/>],
/// placed uniformly inside the image, is set to <see cref="FillValue"/>. Deterministic per (seed, epoch, index). Immutable
/// and thread-safe.
/// </summary>
public sealed class RandomErasing
{
    /// <summary>The random stream of the rectangles, apart from the other draws of the same sample.</summary>
    private const long RectangleStream = 0x4552415345; // "ERASE"

    /// <summary>Creates the operation.</summary>
    /// <param name="probability">Chance that an image gets a rectangle, in [0, 1].</param>
    /// <param name="minArea">Smallest area fraction, in (0, <paramref name="maxArea"/>].</param>
    /// <param name="maxArea">Largest area fraction, in [<paramref name="minArea"/>, 1].</param>
    /// <param name="maxAspectRatio">Largest height/width ratio (and inverse), at least 1.</param>
    /// <param name="fillValue">The grey level written into the rectangle (0–255 scale).</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public RandomErasing(double probability, double minArea, double maxArea, double maxAspectRatio = 3.3, double fillValue = 0)
    {
        if (!(probability >= 0 && probability <= 1)) throw new ArgumentOutOfRangeException(nameof(probability), probability, "The probability must be in [0, 1].");
        if (!(minArea > 0 && minArea <= maxArea && maxArea <= 1)) throw new ArgumentOutOfRangeException(nameof(minArea), minArea, $"The area fractions must satisfy 0 < min ≤ max ≤ 1; got [{minArea}, {maxArea}].");
        if (!(maxAspectRatio >= 1 && double.IsFinite(maxAspectRatio))) throw new ArgumentOutOfRangeException(nameof(maxAspectRatio), maxAspectRatio, "The largest aspect ratio must be a finite number ≥ 1.");
        if (!double.IsFinite(fillValue)) throw new ArgumentOutOfRangeException(nameof(fillValue), fillValue, "The fill value must be finite.");
        Probability = probability;
        MinArea = minArea;
        MaxArea = maxArea;
        MaxAspectRatio = maxAspectRatio;
        FillValue = fillValue;
    }

    /// <summary>Chance that an image gets a rectangle.</summary>
    public double Probability { get; }

    /// <summary>Smallest area fraction of the rectangle.</summary>
    public double MinArea { get; }

    /// <summary>Largest area fraction of the rectangle.</summary>
    public double MaxArea { get; }

    /// <summary>Largest height/width ratio (and its inverse).</summary>
    public double MaxAspectRatio { get; }

    /// <summary>The grey level written into the rectangle.</summary>
    public double FillValue { get; }

    /// <summary>
    /// The rectangle of sample <paramref name="index"/> in epoch <paramref name="epoch"/> (left, top, width, height in
    /// pixels), or <see langword="null"/> when this sample is not erased.
    /// </summary>
    /// <param name="seed">The run's seed.</param>
    /// <param name="epoch">0-based epoch.</param>
    /// <param name="index">The sample's index.</param>
    /// <param name="width">Image width.</param>
    /// <param name="height">Image height.</param>
    public (int Left, int Top, int Width, int Height)? DrawRectangle(int seed, int epoch, int index, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var random = new Xoshiro256StarStar(SeedMixer.Mix(SeedMixer.Mix(seed, epoch, index), RectangleStream), threadSafe: false);
        double gate = random.NextDouble(), area = random.NextDouble(), aspect = random.NextDouble(), left = random.NextDouble(), top = random.NextDouble();
        if (gate >= Probability) return null;
        double fraction = MinArea + ((MaxArea - MinArea) * area);
        double ratio = Math.Exp(Math.Log(MaxAspectRatio) * ((2 * aspect) - 1));
        double pixels = fraction * width * height;
        int h = Math.Clamp((int)Math.Round(Math.Sqrt(pixels * ratio)), 1, height);
        int w = Math.Clamp((int)Math.Round(Math.Sqrt(pixels / ratio)), 1, width);
        int x = (int)Math.Floor(left * (width - w + 1));
        int y = (int)Math.Floor(top * (height - h + 1));
        return (x, y, w, h);
    }

    /// <summary>Erases the rectangle of (seed, epoch, index), if any, in <paramref name="image"/> (W×H values) in place.</summary>
    /// <param name="image">The image.</param>
    /// <param name="width">Image width.</param>
    /// <param name="height">Image height.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="epoch">0-based epoch.</param>
    /// <param name="index">The sample's index.</param>
    public void Apply(Span<float> image, int width, int height, int seed, int epoch, int index)
    {
        if (image.Length != width * height) throw new ArgumentException($"The image must hold {width}×{height} values.", nameof(image));
        if (DrawRectangle(seed, epoch, index, width, height) is not { } r) return;
        for (int y = r.Top; y < r.Top + r.Height; y++) image.Slice((y * width) + r.Left, r.Width).Fill((float)FillValue);
    }
}
