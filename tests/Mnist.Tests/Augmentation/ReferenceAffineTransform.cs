using Mnist.Augmentation;

namespace Mnist.Tests.Augmentation;

/// <summary>
/// An independent, plain C# implementation of the Keras formula p_in = A·(p − o) + o + R·t, sampling like
/// scipy.ndimage.affine_transform with order 0 (floor(x + 0.5)) or 1 (bilinear) and modes nearest (coordinate clamped
/// to the image) or constant (cval wherever the coordinate lies outside [0, n − 1]). With <c>keras1</c> the formula is
/// evaluated as Keras 1.x did: on (row, column) indices about (H/2 + 0.5, W/2 + 0.5).
/// </summary>
internal static class ReferenceAffineTransform
{
    public static double[] Apply(byte[] image, int width, int height, AffineParameters p, int order, FillMode mode, double cval = 0, bool keras1 = false)
    {
        if (keras1) return ApplyKeras1(image, width, height, p, order, mode, cval);
        if (mode is not (FillMode.Nearest or FillMode.Constant)) throw new ArgumentOutOfRangeException(nameof(mode));
        double th = p.RotationDegrees * Math.PI / 180, sh = p.ShearDegrees * Math.PI / 180;
        double c = Math.Cos(th), s = Math.Sin(th);

        // A = R·Sh·Z written out: R = [[c, −s], [s, c]], Sh = [[1, −sin sh], [0, cos sh]], Z = diag(zx, zy)
        double a00 = c * p.ZoomX, a01 = ((-c * Math.Sin(sh)) - (s * Math.Cos(sh))) * p.ZoomY;
        double a10 = s * p.ZoomX, a11 = ((-s * Math.Sin(sh)) + (c * Math.Cos(sh))) * p.ZoomY;
        double rtx = (c * p.ShiftX) - (s * p.ShiftY), rty = (s * p.ShiftX) + (c * p.ShiftY);
        double ox = (width - 1) / 2.0, oy = (height - 1) / 2.0;

        var output = new double[width * height];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double xi = (a00 * (x - ox)) + (a01 * (y - oy)) + ox + rtx;
                double yi = (a10 * (x - ox)) + (a11 * (y - oy)) + oy + rty;
                output[(y * width) + x] = Sample(image, width, height, xi, yi, order, mode, cval);
            }
        }

        return output;
    }

    private static double[] ApplyKeras1(byte[] image, int width, int height, AffineParameters p, int order, FillMode mode, double cval)
    {
        double th = p.RotationDegrees * Math.PI / 180, sh = p.ShearDegrees * Math.PI / 180;
        double c = Math.Cos(th), s = Math.Sin(th);

        // (row, column) space: A = R·Sh·diag(zy, zx), t = (ty, tx), o = (H/2 + 0.5, W/2 + 0.5)
        double a00 = c * p.ZoomY, a01 = ((-c * Math.Sin(sh)) - (s * Math.Cos(sh))) * p.ZoomX;
        double a10 = s * p.ZoomY, a11 = ((-s * Math.Sin(sh)) + (c * Math.Cos(sh))) * p.ZoomX;
        double rtr = (c * p.ShiftY) - (s * p.ShiftX), rtc = (s * p.ShiftY) + (c * p.ShiftX);
        double or = (height / 2.0) + 0.5, oc = (width / 2.0) + 0.5;

        var output = new double[width * height];
        for (int r = 0; r < height; r++)
        {
            for (int col = 0; col < width; col++)
            {
                double ri = (a00 * (r - or)) + (a01 * (col - oc)) + or + rtr;
                double ci = (a10 * (r - or)) + (a11 * (col - oc)) + oc + rtc;
                output[(r * width) + col] = Sample(image, width, height, ci, ri, order, mode, cval);
            }
        }

        return output;
    }

    private static double Sample(byte[] image, int width, int height, double x, double y, int order, FillMode mode, double cval)
    {
        if (mode == FillMode.Constant)
        {
            if (x < 0 || x > width - 1 || y < 0 || y > height - 1) return cval;
        }
        else
        {
            x = Math.Clamp(x, 0, width - 1);
            y = Math.Clamp(y, 0, height - 1);
        }

        if (order == 0)
        {
            int xn = Math.Min((int)Math.Floor(x + 0.5), width - 1), yn = Math.Min((int)Math.Floor(y + 0.5), height - 1);
            return image[(yn * width) + xn];
        }

        int x0 = (int)Math.Floor(x), y0 = (int)Math.Floor(y);
        int x1 = Math.Min(x0 + 1, width - 1), y1 = Math.Min(y0 + 1, height - 1);
        double fx = x - x0, fy = y - y0;
        double top = ((1 - fx) * image[(y0 * width) + x0]) + (fx * image[(y0 * width) + x1]);
        double bottom = ((1 - fx) * image[(y1 * width) + x0]) + (fx * image[(y1 * width) + x1]);
        return ((1 - fy) * top) + (fy * bottom);
    }
}
