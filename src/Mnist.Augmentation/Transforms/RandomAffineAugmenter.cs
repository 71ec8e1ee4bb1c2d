using Mnist.Data;
using MathNet.Numerics.Random;

namespace Mnist.Augmentation;

/// <summary>
/// The validated, immutable form of <see cref="AugmentationOptions"/>: draws random <see cref="AffineParameters"/>
/// the way Keras' <c>ImageDataGenerator</c> does and applies them to images with ImageSharp, followed by the optional
/// <see cref="Elastic"/> distortion and <see cref="Erasing"/>, each drawn from its own stream of (seed, epoch, index).
/// Thread-safe.
/// </summary>
public sealed class RandomAffineAugmenter
{
    /// <summary>Copies <paramref name="options"/>, validates the copy and keeps it as read-only properties.</summary>
    /// <param name="options">The settings; later changes to the object do not affect this augmenter.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is invalid; the message names it.</exception>
    public RandomAffineAugmenter(AugmentationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options = options.Clone();
        options.Validate();
        RotationRangeDegrees = options.RotationRangeDegrees;
        WidthShiftRange = options.WidthShiftRange;
        HeightShiftRange = options.HeightShiftRange;
        ShearRangeDegrees = options.ShearRangeDegrees;
        (ZoomMin, ZoomMax) = options.ZoomFactorRange ?? (1 - options.ZoomRange, 1 + options.ZoomRange);
        FillMode = options.FillMode;
        FillValue = options.FillValue;
        Interpolation = options.Interpolation;
        Convention = options.Convention;
        Elastic = options.ElasticAlphaPixels > 0 ? new ElasticDistortion(options.ElasticAlphaPixels, options.ElasticSigmaPixels, options.FillValue) : null;
        Erasing = options.ErasingProbability > 0
            ? new RandomErasing(options.ErasingProbability, options.ErasingAreaRange.Min, options.ErasingAreaRange.Max, options.ErasingMaxAspectRatio, options.ErasingValue)
            : null;
    }

    /// <summary>The elastic distortion applied after the affine transform, or <see langword="null"/> (off).</summary>
    public ElasticDistortion? Elastic { get; }

    /// <summary>The random erasing applied last, or <see langword="null"/> (off).</summary>
    public RandomErasing? Erasing { get; }

    /// <summary>Largest rotation either way, in degrees.</summary>
    public double RotationRangeDegrees { get; }

    /// <summary>Largest horizontal shift either way (fraction of the width below 1, pixels from 1).</summary>
    public double WidthShiftRange { get; }

    /// <summary>Largest vertical shift either way (fraction of the height below 1, pixels from 1).</summary>
    public double HeightShiftRange { get; }

    /// <summary>Largest shear either way, in degrees.</summary>
    public double ShearRangeDegrees { get; }

    /// <summary>Lower bound of the zoom factors zx and zy.</summary>
    public double ZoomMin { get; }

    /// <summary>Upper bound of the zoom factors zx and zy.</summary>
    public double ZoomMax { get; }

    /// <summary>Fill mode for positions outside the input.</summary>
    public FillMode FillMode { get; }

    /// <summary>Grey level used by <see cref="Augmentation.FillMode.Constant"/>.</summary>
    public double FillValue { get; }

    /// <summary>Input sampling.</summary>
    public Interpolation Interpolation { get; }

    /// <summary>Geometry convention.</summary>
    public TransformConvention Convention { get; }

    /// <summary>
    /// Draws the transform of sample <paramref name="index"/> in epoch <paramref name="epoch"/>: a MathNet
    /// <see cref="Xoshiro256StarStar"/> seeded by a hash of (<paramref name="seed"/>, <paramref name="epoch"/>,
    /// <paramref name="index"/>), so the result never depends on threads or on the order of processing.
    /// </summary>
    /// <param name="seed">The run's seed.</param>
    /// <param name="epoch">0-based epoch.</param>
    /// <param name="index">Index of the sample in its dataset.</param>
    /// <param name="width">Image width (scales a fractional width shift).</param>
    /// <param name="height">Image height (scales a fractional height shift).</param>
    public AffineParameters Draw(int seed, int epoch, int index, int width, int height) =>
        Draw(new Xoshiro256StarStar(SeedMixer.Mix(seed, epoch, index), threadSafe: false), width, height);

    /// <summary>
    /// Draws a transform from <paramref name="random"/>, in the order θ, horizontal shift, vertical shift, shear,
    /// zx, zy (six uniform numbers, whether or not a range is 0).
    /// </summary>
    /// <param name="random">The random source.</param>
    /// <param name="width">Image width (scales a fractional width shift).</param>
    /// <param name="height">Image height (scales a fractional height shift).</param>
    public AffineParameters Draw(Random random, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        double theta = Symmetric(random, RotationRangeDegrees);
        double shiftX = Symmetric(random, ShiftLimitPixels(WidthShiftRange, width));
        double shiftY = Symmetric(random, ShiftLimitPixels(HeightShiftRange, height));
        double shear = Symmetric(random, ShearRangeDegrees);
        double zx = ZoomMin + ((ZoomMax - ZoomMin) * random.NextDouble());
        double zy = ZoomMin + ((ZoomMax - ZoomMin) * random.NextDouble());
        return new AffineParameters(theta, shiftX, shiftY, shear, zx, zy);
    }

    /// <summary>
    /// Applies <paramref name="parameters"/> to one image with this augmenter's fill mode and interpolation.
    /// Convenient for single images; the batch generator reuses its buffers instead.
    /// </summary>
    /// <param name="image">width × height bytes, row-major.</param>
    /// <param name="width">Image width.</param>
    /// <param name="height">Image height.</param>
    /// <param name="parameters">The transform.</param>
    /// <returns>width × height grey levels on the 0–255 scale.</returns>
    public float[] Apply(ReadOnlySpan<byte> image, int width, int height, AffineParameters parameters)
    {
        var result = new float[width * height];
        using var warper = CreateWarper(width, height);
        warper.Warp(image, parameters, result);
        return result;
    }

    /// <summary>
    /// The whole augmentation of sample <paramref name="index"/> in epoch <paramref name="epoch"/>: the affine transform of
    /// <see cref="Draw(int, int, int, int, int)"/>, then <see cref="Elastic"/>, then <see cref="Erasing"/>.
    /// </summary>
    /// <param name="image">width × height bytes, row-major.</param>
    /// <param name="width">Image width.</param>
    /// <param name="height">Image height.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="epoch">0-based epoch.</param>
    /// <param name="index">The sample's index in its dataset.</param>
    /// <returns>width × height grey levels on the 0–255 scale.</returns>
    public float[] Augment(ReadOnlySpan<byte> image, int width, int height, int seed, int epoch, int index)
    {
        var result = new float[width * height];
        using var warper = CreateWarper(width, height);
        warper.Warp(image, Draw(seed, epoch, index, width, height), result);
        Finish(result, width, height, seed, epoch, index);
        return result;
    }

    /// <summary>Applies <see cref="Elastic"/> and <see cref="Erasing"/> (when on) to an affinely transformed image in place.</summary>
    internal void Finish(Span<float> image, int width, int height, int seed, int epoch, int index)
    {
        if (Elastic is { } elastic)
        {
            var warped = System.Buffers.ArrayPool<float>.Shared.Rent(image.Length);
            try
            {
                image.CopyTo(warped);
                elastic.Apply(warped.AsSpan(0, image.Length), width, height, seed, epoch, index, image);
            }
            finally
            {
                System.Buffers.ArrayPool<float>.Shared.Return(warped);
            }
        }

        Erasing?.Apply(image, width, height, seed, epoch, index);
    }

    internal AffineWarper CreateWarper(int width, int height) => new(width, height, FillMode, FillValue, Interpolation, Convention);

    private static double ShiftLimitPixels(double range, int size) => range < 1 ? range * size : range;

    private static double Symmetric(Random random, double range) => range * ((2 * random.NextDouble()) - 1);
}
