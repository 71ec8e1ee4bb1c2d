using MathNet.Numerics.LinearAlgebra;

namespace Mnist.Augmentation;

/// <summary>
/// One concrete affine transform in Keras' parametrisation (<c>apply_affine_transform</c>): the output pixel
/// p = (x, y) (x = column, y = row) samples the input at p_in = A·(p − o) + o + R·t, with o the image centre
/// ((W−1)/2, (H−1)/2), A = R·Sh·Z, R the rotation by <see cref="RotationDegrees"/>, Sh = [[1, −sin s], [0, cos s]]
/// for the shear s = <see cref="ShearDegrees"/>, Z = diag(<see cref="ZoomX"/>, <see cref="ZoomY"/>) and
/// t = (<see cref="ShiftX"/>, <see cref="ShiftY"/>).
/// </summary>
/// <param name="RotationDegrees">θ in degrees; positive turns the content counter-clockwise on screen.</param>
/// <param name="ShiftX">Horizontal shift t_x in pixels (columns); the output samples the input t_x pixels further right, so positive values move the content left.</param>
/// <param name="ShiftY">Vertical shift t_y in pixels (rows); positive values move the content up.</param>
/// <param name="ShearDegrees">Shear angle s in degrees.</param>
/// <param name="ZoomX">Horizontal zoom factor zx; above 1 shrinks the content.</param>
/// <param name="ZoomY">Vertical zoom factor zy; above 1 shrinks the content.</param>
public readonly record struct AffineParameters(double RotationDegrees, double ShiftX, double ShiftY, double ShearDegrees, double ZoomX, double ZoomY)
{
    /// <summary>The transform that leaves an image unchanged.</summary>
    public static AffineParameters Identity => new(0, 0, 0, 0, 1, 1);

    /// <summary>
    /// The 2×2 linear part A = R·Sh·Z as a MathNet matrix (modern convention, acting on (x, y)).
    /// </summary>
    public Matrix<double> GetLinearPart() => Compose(RotationDegrees, ShearDegrees, ZoomX, ZoomY);

    /// <summary>
    /// The homogeneous 3×3 matrix that maps an output pixel (x, y, 1) (x = column, y = row) to the input position it
    /// samples, for an image of <paramref name="width"/> × <paramref name="height"/>.
    /// </summary>
    /// <param name="width">Image width W in pixels.</param>
    /// <param name="height">Image height H in pixels.</param>
    /// <param name="convention">
    /// <see cref="TransformConvention.Modern"/>: p_in = A·(p − o) + o + R·t in (x, y) with o = ((W−1)/2, (H−1)/2).
    /// <see cref="TransformConvention.Keras1"/>: the same formula in (row, column) coordinates with
    /// A = R·Sh·diag(<see cref="ZoomY"/>, <see cref="ZoomX"/>), t = (<see cref="ShiftY"/>, <see cref="ShiftX"/>) and
    /// o = (H/2 + 0.5, W/2 + 0.5), rewritten for (x, y).
    /// </param>
    public Matrix<double> GetOutputToInputMatrix(int width, int height, TransformConvention convention = TransformConvention.Modern)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        bool legacy = convention == TransformConvention.Keras1;
        var a = legacy ? Compose(RotationDegrees, ShearDegrees, ZoomY, ZoomX) : GetLinearPart();
        double theta = RotationDegrees * Math.PI / 180.0;
        double cos = Math.Cos(theta), sin = Math.Sin(theta);

        // In the convention's own coordinates (u, v): (x, y) for modern Keras, (row, column) for Keras 1.x.
        double tu = legacy ? ShiftY : ShiftX, tv = legacy ? ShiftX : ShiftY;
        double ou = legacy ? (height / 2.0) + 0.5 : (width - 1) / 2.0;
        double ov = legacy ? (width / 2.0) + 0.5 : (height - 1) / 2.0;

        // b = o + R·t − A·o
        double bu = ou + (cos * tu) - (sin * tv) - ((a[0, 0] * ou) + (a[0, 1] * ov));
        double bv = ov + (sin * tu) + (cos * tv) - ((a[1, 0] * ou) + (a[1, 1] * ov));
        var build = Matrix<double>.Build;
        return legacy
            ? build.DenseOfArray(new[,] { { a[1, 1], a[1, 0], bv }, { a[0, 1], a[0, 0], bu }, { 0.0, 0.0, 1.0 } })
            : build.DenseOfArray(new[,] { { a[0, 0], a[0, 1], bu }, { a[1, 0], a[1, 1], bv }, { 0.0, 0.0, 1.0 } });
    }

    private static Matrix<double> Compose(double rotationDegrees, double shearDegrees, double zoom0, double zoom1)
    {
        double theta = rotationDegrees * Math.PI / 180.0;
        double shear = shearDegrees * Math.PI / 180.0;
        var m = Matrix<double>.Build;
        var rotation = m.DenseOfArray(new[,] { { Math.Cos(theta), -Math.Sin(theta) }, { Math.Sin(theta), Math.Cos(theta) } });
        var shearing = m.DenseOfArray(new[,] { { 1.0, -Math.Sin(shear) }, { 0.0, Math.Cos(shear) } });
        var zoom = m.DenseOfDiagonalArray(new[] { zoom0, zoom1 });
        return rotation * shearing * zoom;
    }

    /// <inheritdoc />
    public override string ToString() =>
        FormattableString.Invariant($"θ={RotationDegrees:0.###}°, t=({ShiftX:0.###}, {ShiftY:0.###}) px, shear={ShearDegrees:0.###}°, zoom=({ZoomX:0.####}, {ZoomY:0.####})");
}
