using Mnist.Data;
namespace Mnist.Augmentation;

/// <summary>
/// The geometry of the random affine augmentation — ranges, fill, interpolation and convention — named after Keras'
/// <c>ImageDataGenerator</c> arguments with their units in the names. All ranges default to 0 (no augmentation), like
/// Keras.
/// </summary>
/// <remarks>
/// <para>Mutable, like the library's other options types; <see cref="Validate"/> is called where the options are
/// consumed (<see cref="RandomAffineAugmenter"/>, and through it both <c>Augment</c> extensions), which take an
/// immutable snapshot, so later changes to the object affect nothing already created.
/// <see cref="KnownAugmentations"/> returns a fresh instance per call, so its presets cannot be altered.</para>
/// <para>Only the picture is described here. How the generator runs (threads, prefetch) is
/// <see cref="AugmentationExecutionOptions"/>, and the seed is given to <see cref="AugmentedDataset.Flow"/> or
/// <see cref="BatchSourceAugmentationExtensions.Augment(IBatchSource, AugmentationOptions, int?)"/>, so one
/// geometry serves every run and every ensemble member.</para>
/// <para>Per image the augmenter draws θ ~ U(−<see cref="RotationRangeDegrees"/>, +…), a horizontal shift
/// ~ U(−<see cref="WidthShiftRange"/>, +…)·W, a vertical shift ~ U(−<see cref="HeightShiftRange"/>, +…)·H, a shear
/// ~ U(−<see cref="ShearRangeDegrees"/>, +…) and zoom factors zx, zy drawn independently from the zoom interval.
/// See docs/augmentation.md for the exact formula.</para>
/// </remarks>
public sealed class AugmentationOptions
{
    /// <summary>Largest rotation in degrees either way; 0 (default) disables rotation. Positive angles turn the content counter-clockwise.</summary>
    public double RotationRangeDegrees { get; set; }

    /// <summary>
    /// Largest horizontal shift either way: a fraction of the width when below 1, a number of pixels when 1 or more
    /// (as in Keras). Default 0.
    /// </summary>
    public double WidthShiftRange { get; set; }

    /// <summary>
    /// Largest vertical shift either way: a fraction of the height when below 1, a number of pixels when 1 or more
    /// (as in Keras). Default 0.
    /// </summary>
    public double HeightShiftRange { get; set; }

    /// <summary>
    /// Largest shear angle in <b>degrees</b> either way (modern Keras); must be below 90. Default 0.
    /// Keras 1.x read this argument in radians: see <see cref="KnownAugmentations.KerasNotebook2017"/>.
    /// </summary>
    public double ShearRangeDegrees { get; set; }

    /// <summary>
    /// Keras' scalar <c>zoom_range</c> z: zx and zy are drawn independently from [1 − z, 1 + z]; must be in [0, 1).
    /// Default 0. Ignored when <see cref="ZoomFactorRange"/> is set. Factors above 1 shrink the content.
    /// </summary>
    public double ZoomRange { get; set; }

    /// <summary>
    /// An explicit zoom interval [Min, Max] (Keras' <c>zoom_range=[lower, upper]</c>), 0 &lt; Min ≤ Max; overrides
    /// <see cref="ZoomRange"/> when set. Default null.
    /// </summary>
    public (double Min, double Max)? ZoomFactorRange { get; set; }

    /// <summary>How pixels that come from outside the input are filled. Default <see cref="Augmentation.FillMode.Nearest"/> (the Keras default).</summary>
    public FillMode FillMode { get; set; } = FillMode.Nearest;

    /// <summary>Grey level (0–255 scale) used by <see cref="Augmentation.FillMode.Constant"/>. Default 0.</summary>
    public double FillValue { get; set; }

    /// <summary>Sampling of the input. Default <see cref="Augmentation.Interpolation.Bilinear"/> (the Keras default).</summary>
    public Interpolation Interpolation { get; set; } = Interpolation.Bilinear;

    /// <summary>Geometry convention (modern Keras or Keras 1.x). Default <see cref="TransformConvention.Modern"/>.</summary>
    public TransformConvention Convention { get; set; } = TransformConvention.Modern;

    /// <summary>
    /// Scale of the elastic distortion applied after the affine transform, in pixels (Simard et al. 2003 use 34 with σ = 4 on
    /// 28×28; 8–10 with σ = 3–4 are milder); default 0: off. See <see cref="ElasticDistortion"/>.
    /// </summary>
    public double ElasticAlphaPixels { get; set; }

    /// <summary>Standard deviation, in pixels, of the Gaussian that smooths the elastic displacement field; default 4. In (0, 64].</summary>
    public double ElasticSigmaPixels { get; set; } = 4;

    /// <summary>Chance that an image gets one erased rectangle (random erasing / cutout), applied last; default 0: off. In [0, 1].</summary>
    public double ErasingProbability { get; set; }

    /// <summary>Range of the erased rectangle's area as a fraction of the image; default (0.02, 0.2). 0 &lt; Min ≤ Max ≤ 1.</summary>
    public (double Min, double Max) ErasingAreaRange { get; set; } = (0.02, 0.2);

    /// <summary>Largest height/width ratio of the erased rectangle (and its inverse); default 3.3. At least 1.</summary>
    public double ErasingMaxAspectRatio { get; set; } = 3.3;

    /// <summary>Grey level (0–255 scale) written into the erased rectangle; default 0 (MNIST's background).</summary>
    public double ErasingValue { get; set; }

    /// <summary>Creates a copy of these options.</summary>
    public AugmentationOptions Clone() => (AugmentationOptions)MemberwiseClone();

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is negative, NaN, infinite or out of its range; the message names it.</exception>
    public void Validate()
    {
        RequireRange(RotationRangeDegrees, nameof(RotationRangeDegrees));
        RequireRange(WidthShiftRange, nameof(WidthShiftRange));
        RequireRange(HeightShiftRange, nameof(HeightShiftRange));
        RequireRange(ShearRangeDegrees, nameof(ShearRangeDegrees));
        if (ShearRangeDegrees >= 90)
        {
            throw new ArgumentOutOfRangeException(nameof(ShearRangeDegrees), ShearRangeDegrees,
                $"{nameof(ShearRangeDegrees)} must be below 90 degrees (a 90° shear is degenerate); got {ShearRangeDegrees}. Did you pass radians where degrees are expected, or degrees where Keras 1.x expected radians?");
        }

        if (ZoomFactorRange is { } zoom)
        {
            if (!double.IsFinite(zoom.Min) || !double.IsFinite(zoom.Max) || zoom.Min <= 0 || zoom.Max < zoom.Min)
            {
                throw new ArgumentOutOfRangeException(nameof(ZoomFactorRange), zoom,
                    $"{nameof(ZoomFactorRange)} must satisfy 0 < Min ≤ Max with finite bounds; got [{zoom.Min}, {zoom.Max}].");
            }
        }
        else
        {
            RequireRange(ZoomRange, nameof(ZoomRange));
            if (ZoomRange >= 1)
            {
                throw new ArgumentOutOfRangeException(nameof(ZoomRange), ZoomRange,
                    $"{nameof(ZoomRange)} must be below 1 so that the zoom factors 1 ± {nameof(ZoomRange)} stay positive; got {ZoomRange}. Use {nameof(ZoomFactorRange)} for an explicit interval.");
            }
        }

        if (!Enum.IsDefined(FillMode))
            throw new ArgumentOutOfRangeException(nameof(FillMode), FillMode, $"{nameof(FillMode)} {(int)FillMode} is not a defined fill mode.");
        if (!double.IsFinite(FillValue))
            throw new ArgumentOutOfRangeException(nameof(FillValue), FillValue, $"{nameof(FillValue)} must be a finite grey level; got {FillValue}.");
        if (!Enum.IsDefined(Interpolation))
            throw new ArgumentOutOfRangeException(nameof(Interpolation), Interpolation, $"{nameof(Interpolation)} {(int)Interpolation} is not a defined interpolation.");
        RequireRange(ElasticAlphaPixels, nameof(ElasticAlphaPixels));
        if (!(ElasticSigmaPixels > 0 && ElasticSigmaPixels <= 64))
            throw new ArgumentOutOfRangeException(nameof(ElasticSigmaPixels), ElasticSigmaPixels, $"{nameof(ElasticSigmaPixels)} must be in (0, 64] pixels; got {ElasticSigmaPixels}.");
        if (!(ErasingProbability >= 0 && ErasingProbability <= 1))
            throw new ArgumentOutOfRangeException(nameof(ErasingProbability), ErasingProbability, $"{nameof(ErasingProbability)} must be in [0, 1]; got {ErasingProbability}.");
        if (!(ErasingAreaRange.Min > 0 && ErasingAreaRange.Min <= ErasingAreaRange.Max && ErasingAreaRange.Max <= 1))
            throw new ArgumentOutOfRangeException(nameof(ErasingAreaRange), ErasingAreaRange, $"{nameof(ErasingAreaRange)} must satisfy 0 < Min ≤ Max ≤ 1; got [{ErasingAreaRange.Min}, {ErasingAreaRange.Max}].");
        if (!(ErasingMaxAspectRatio >= 1 && double.IsFinite(ErasingMaxAspectRatio)))
            throw new ArgumentOutOfRangeException(nameof(ErasingMaxAspectRatio), ErasingMaxAspectRatio, $"{nameof(ErasingMaxAspectRatio)} must be a finite number ≥ 1; got {ErasingMaxAspectRatio}.");
        if (!double.IsFinite(ErasingValue))
            throw new ArgumentOutOfRangeException(nameof(ErasingValue), ErasingValue, $"{nameof(ErasingValue)} must be a finite grey level; got {ErasingValue}.");
        if (!Enum.IsDefined(Convention))
            throw new ArgumentOutOfRangeException(nameof(Convention), Convention, $"{nameof(Convention)} {(int)Convention} is not a defined convention.");
    }

    private static void RequireRange(double value, string name)
    {
        if (double.IsNaN(value) || double.IsInfinity(value) || value < 0)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite, non-negative range; got {value}.");
    }
}
