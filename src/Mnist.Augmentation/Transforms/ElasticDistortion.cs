using MathNet.Numerics.Random;
using Mnist.Data;

namespace Mnist.Augmentation;

/// <summary>
/// Elastic distortion (Simard, Steinkraus and Platt 2003): a random displacement field — uniform values in [−1, 1] per
/// pixel and direction, smoothed by a Gaussian of standard deviation <see cref="SigmaPixels"/> (zero outside the image,
/// kernel truncated at 4σ) and scaled by <see cref="AlphaPixels"/> — moves every output pixel's sampling point; the image is
/// sampled bilinearly there, with <see cref="FillValue"/> outside. Deterministic per (seed, epoch, index). Immutable and
/// thread-safe.
/// </summary>
public sealed class ElasticDistortion
{
    /// <summary>The random stream of the displacement fields, apart from the affine draws of the same sample.</summary>
    private const long FieldStream = 0x454C415354; // "ELAST"

    private readonly double[] _kernel;

    /// <summary>Creates the distortion.</summary>
    /// <param name="alphaPixels">Scale of the displacements in pixels (Simard: 34 on 28×28 with σ = 4); above 0.</param>
    /// <param name="sigmaPixels">Standard deviation of the smoothing Gaussian in pixels; above 0.</param>
    /// <param name="fillValue">Grey level sampled outside the image.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is not a positive finite number.</exception>
    public ElasticDistortion(double alphaPixels, double sigmaPixels, double fillValue = 0)
    {
        if (!(alphaPixels > 0 && double.IsFinite(alphaPixels))) throw new ArgumentOutOfRangeException(nameof(alphaPixels), alphaPixels, "alpha must be a positive finite number of pixels.");
        if (!(sigmaPixels > 0 && sigmaPixels <= 64)) throw new ArgumentOutOfRangeException(nameof(sigmaPixels), sigmaPixels, "sigma must be in (0, 64] pixels.");
        if (!double.IsFinite(fillValue)) throw new ArgumentOutOfRangeException(nameof(fillValue), fillValue, "The fill value must be finite.");
        AlphaPixels = alphaPixels;
        SigmaPixels = sigmaPixels;
        FillValue = fillValue;
        int radius = (int)Math.Ceiling(4 * sigmaPixels);
        _kernel = new double[(2 * radius) + 1];
        double sum = 0;
        for (int k = -radius; k <= radius; k++) sum += _kernel[k + radius] = Math.Exp(-(k * k) / (2 * sigmaPixels * sigmaPixels));
        for (int k = 0; k < _kernel.Length; k++) _kernel[k] /= sum;
    }

    /// <summary>Scale of the displacements, in pixels.</summary>
    public double AlphaPixels { get; }

    /// <summary>Standard deviation of the Gaussian smoothing, in pixels.</summary>
    public double SigmaPixels { get; }

    /// <summary>Grey level sampled outside the image.</summary>
    public double FillValue { get; }

    /// <summary>
    /// The displacement field of sample <paramref name="index"/> in epoch <paramref name="epoch"/>: output pixel (x, y) samples
    /// the input at (x + dx[y·W + x], y + dy[y·W + x]).
    /// </summary>
    /// <param name="seed">The run's seed.</param>
    /// <param name="epoch">0-based epoch.</param>
    /// <param name="index">The sample's index in its dataset.</param>
    /// <param name="width">Image width.</param>
    /// <param name="height">Image height.</param>
    public (float[] Dx, float[] Dy) DrawField(int seed, int epoch, int index, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var random = new Xoshiro256StarStar(SeedMixer.Mix(SeedMixer.Mix(seed, epoch, index), FieldStream), threadSafe: false);
        int n = checked(width * height);
        var rx = new double[n];
        var ry = new double[n];
        for (int i = 0; i < n; i++)
        {
            rx[i] = (2 * random.NextDouble()) - 1;
            ry[i] = (2 * random.NextDouble()) - 1;
        }

        return (Smooth(rx, width, height), Smooth(ry, width, height));
    }

    /// <summary>Distorts <paramref name="image"/> (W×H, 0–255 scale) into <paramref name="destination"/> with the field of (seed, epoch, index).</summary>
    /// <param name="image">The image.</param>
    /// <param name="width">Image width.</param>
    /// <param name="height">Image height.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="epoch">0-based epoch.</param>
    /// <param name="index">The sample's index.</param>
    /// <param name="destination">W×H values; may not overlap <paramref name="image"/>.</param>
    /// <exception cref="ArgumentException">A length is not W×H.</exception>
    public void Apply(ReadOnlySpan<float> image, int width, int height, int seed, int epoch, int index, Span<float> destination)
    {
        if (image.Length != width * height || destination.Length != width * height)
            throw new ArgumentException($"The image and the destination must hold {width}×{height} values.", nameof(image));
        var (dx, dy) = DrawField(seed, epoch, index, width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int i = (y * width) + x;
                destination[i] = Sample(image, width, height, x + dx[i], y + dy[i]);
            }
        }
    }

    private float Sample(ReadOnlySpan<float> image, int width, int height, double sx, double sy)
    {
        int x0 = (int)Math.Floor(sx), y0 = (int)Math.Floor(sy);
        double fx = sx - x0, fy = sy - y0;
        double v00 = At(image, width, height, x0, y0), v10 = At(image, width, height, x0 + 1, y0);
        double v01 = At(image, width, height, x0, y0 + 1), v11 = At(image, width, height, x0 + 1, y0 + 1);
        return (float)(((1 - fy) * (((1 - fx) * v00) + (fx * v10))) + (fy * (((1 - fx) * v01) + (fx * v11))));
    }

    private double At(ReadOnlySpan<float> image, int width, int height, int x, int y) =>
        (uint)x < (uint)width && (uint)y < (uint)height ? image[(y * width) + x] : FillValue;

    /// <summary>Separable Gaussian smoothing with zeros outside, then scaling by alpha.</summary>
    private float[] Smooth(double[] values, int width, int height)
    {
        int radius = _kernel.Length / 2;
        var rows = new double[values.Length];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double sum = 0;
                for (int k = -radius; k <= radius; k++)
                {
                    int xx = x + k;
                    if ((uint)xx < (uint)width) sum += _kernel[k + radius] * values[(y * width) + xx];
                }

                rows[(y * width) + x] = sum;
            }
        }

        var result = new float[values.Length];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double sum = 0;
                for (int k = -radius; k <= radius; k++)
                {
                    int yy = y + k;
                    if ((uint)yy < (uint)height) sum += _kernel[k + radius] * rows[(yy * width) + x];
                }

                result[(y * width) + x] = (float)(AlphaPixels * sum);
            }
        }

        return result;
    }
}
