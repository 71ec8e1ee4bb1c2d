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
    /// The 2×2 linear part A = R·Sh·Z as a MathNet matrix.
    /// </summary>
    public Matrix<double> GetLinearPart()
    {
        double theta = RotationDegrees * Math.PI / 180.0;
        double shear = ShearDegrees * Math.PI / 180.0;
        var m = Matrix<double>.Build;
        var rotation = m.DenseOfArray(new[,] { { Math.Cos(theta), -Math.Sin(theta) }, { Math.Sin(theta), Math.Cos(theta) } });
        var shearing = m.DenseOfArray(new[,] { { 1.0, -Math.Sin(shear) }, { 0.0, Math.Cos(shear) } });
        var zoom = m.DenseOfDiagonalArray(new[] { ZoomX, ZoomY });
        return rotation * shearing * zoom;
    }

    /// <summary>
    /// The homogeneous 3×3 matrix that maps an output pixel (x, y, 1) to the input position it samples
    /// (Keras' transform matrix, before its row/column swap), for an image of <paramref name="width"/> × <paramref name="height"/>.
    /// </summary>
    /// <param name="width">Image width W in pixels.</param>
    /// <param name="height">Image height H in pixels.</param>
    public Matrix<double> GetOutputToInputMatrix(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        double theta = RotationDegrees * Math.PI / 180.0;
        double cos = Math.Cos(theta), sin = Math.Sin(theta);
        var a = GetLinearPart();
        double ox = (width - 1) / 2.0, oy = (height - 1) / 2.0;

        // b = o + R·t − A·o
        double bx = ox + (cos * ShiftX) - (sin * ShiftY) - ((a[0, 0] * ox) + (a[0, 1] * oy));
        double by = oy + (sin * ShiftX) + (cos * ShiftY) - ((a[1, 0] * ox) + (a[1, 1] * oy));
        return Matrix<double>.Build.DenseOfArray(new[,]
        {
            { a[0, 0], a[0, 1], bx },
            { a[1, 0], a[1, 1], by },
            { 0.0, 0.0, 1.0 },
        });
    }

    /// <inheritdoc />
    public override string ToString() =>
        FormattableString.Invariant($"θ={RotationDegrees:0.###}°, t=({ShiftX:0.###}, {ShiftY:0.###}) px, shear={ShearDegrees:0.###}°, zoom=({ZoomX:0.####}, {ZoomY:0.####})");
}
