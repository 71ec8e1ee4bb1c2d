namespace Mnist.Augmentation;

/// <summary>
/// Ready-made <see cref="AugmentationOptions"/> (geometry only), in the manner of ImageSharp's <c>Known*</c> catalogues.
/// The catalogue itself cannot be altered: every property returns a new instance, which the caller may change freely
/// (<c>var o = KnownAugmentations.KerasNotebook2017; o.FillMode = FillMode.Constant;</c>) without affecting the next
/// call or anyone else's copy.
/// </summary>
public static class KnownAugmentations
{
    /// <summary>The shear range of the 2017 notebook, 0.3 radians, in degrees (≈ 17.19°).</summary>
    public const double Notebook2017ShearRangeDegrees = 0.3 * 180.0 / Math.PI;

    /// <summary>
    /// The 2017 notebook's <c>ImageDataGenerator(rotation_range=8, width_shift_range=0.08,
    /// height_shift_range=0.08, shear_range=0.3, zoom_range=0.08)</c> with the semantics of Keras 1.x (as in Keras
    /// 1.1.2's <c>image.py</c>), which read <c>shear_range</c> in radians (0.3 rad = ±17.19°), applied the matrix in
    /// (row, column) order about (H/2 + 0.5, W/2 + 0.5) (<see cref="TransformConvention.Keras1"/>) and sampled with
    /// nearest neighbour. The random draws come from the library's seeded generator, not numpy's, so the transforms
    /// follow the notebook's distribution, not its values.
    /// </summary>
    public static AugmentationOptions KerasNotebook2017 => new()
    {
        RotationRangeDegrees = 8,
        WidthShiftRange = 0.08,
        HeightShiftRange = 0.08,
        ShearRangeDegrees = Notebook2017ShearRangeDegrees,
        ZoomRange = 0.08,
        Convention = TransformConvention.Keras1,
        Interpolation = Interpolation.Nearest,
    };

    /// <summary>
    /// The same notebook arguments read by modern Keras (≥ 2), where <c>shear_range=0.3</c> means ±0.3 degrees —
    /// practically no shear — with modern geometry and bilinear sampling. Use it to reproduce a modern re-run of the
    /// notebook.
    /// </summary>
    public static AugmentationOptions KerasNotebookModern => new()
    {
        RotationRangeDegrees = 8,
        WidthShiftRange = 0.08,
        HeightShiftRange = 0.08,
        ShearRangeDegrees = 0.3,
        ZoomRange = 0.08,
    };
}
