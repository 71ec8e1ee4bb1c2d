using System.Numerics;
using MathNet.Numerics.LinearAlgebra;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using SixLabors.ImageSharp.Processing.Processors.Transforms;

namespace Mnist.Augmentation;

/// <summary>
/// Applies <see cref="AffineParameters"/> to greyscale images (bytes, or floats on the 0–255 scale) with ImageSharp, reusing its buffers; one per thread.
/// </summary>
/// <remarks>
/// <para>ImageSharp's transform matrix is forward (input → output) and, like scipy, it samples at integer pixel
/// positions (no half-pixel offset), so the Keras output → input map is inverted and passed with an explicit W×H
/// target size. 16-bit pixels (value × 257) keep interpolated grey levels within 0.002 of Keras' floating-point
/// output instead of rounding them to integers.</para>
/// <para>ImageSharp samples every output pixel whose source position lies inside the input. It has no fill modes: for
/// positions outside the input it leaves the pixel empty. Those pixels — and only those — get the fill-mode value
/// here: the same interpolation (order 0 or 1) over the input extended as the mode says (edge, mirror, tile), or the
/// constant. Padding the input instead would make ImageSharp 2.1 widen its kernel (its sampling radius grows with the
/// source/target size ratio) and cost twice the time.</para>
/// <para>Speed: the transform is restricted (source rectangle) to the bounding box of the non-zero pixels plus a
/// one-pixel zero margin; outside it the input is zero by definition, so results are unchanged while ImageSharp skips
/// the empty border of MNIST-like images. Its configuration runs single-threaded (the generator parallelises over
/// batches).</para>
/// </remarks>
internal sealed class AffineWarper : IDisposable
{
    private const float Scale = 257f;
    private readonly Image<L16> _source;
    private readonly Memory<L16> _sourcePixels;
    private readonly float[] _input; // the input as read (the fill pass samples it)
    private readonly IResampler _resampler;
    private readonly FillMode _fillMode;
    private readonly float _fillValue;
    private readonly bool _nearest;
    private readonly Size _targetSize;
    private readonly TransformConvention _convention;

    public AffineWarper(int width, int height, FillMode fillMode, double fillValue, Interpolation interpolation, TransformConvention convention = TransformConvention.Modern)
    {
        _convention = convention;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Width = width;
        Height = height;
        _fillMode = fillMode;
        _fillValue = (float)fillValue;
        _nearest = interpolation == Interpolation.Nearest;
        _resampler = _nearest ? KnownResamplers.NearestNeighbor : KnownResamplers.Triangle;
        var configuration = Configuration.Default.Clone();
        configuration.MaxDegreeOfParallelism = 1;
        _source = new Image<L16>(configuration, width, height);
        if (!_source.DangerousTryGetSinglePixelMemory(out _sourcePixels))
            throw new InvalidOperationException("ImageSharp did not allocate the image contiguously.");
        _targetSize = new Size(width, height);
        _input = new float[width * height];
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Transforms <paramref name="image"/> (W×H bytes) into <paramref name="destination"/> (W×H floats, 0–255 scale).</summary>
    public void Warp(ReadOnlySpan<byte> image, in AffineParameters parameters, Span<float> destination)
    {
        destination = CheckSizes(image, destination);
        Span<L16> pixels = _sourcePixels.Span;
        for (int i = 0; i < pixels.Length; i++)
        {
            byte value = image[i];
            pixels[i] = new L16((ushort)(value * 257));
            _input[i] = value;
        }

        Transform(parameters, destination);
    }

    /// <summary>
    /// Transforms <paramref name="image"/> (W×H floats, 0–255 scale) into <paramref name="destination"/>. Input values
    /// are clamped to [0, 255] (NaN reads as 0) and held to the 16-bit working precision (steps of 1/257 grey level),
    /// so integral grey levels give exactly the result of the byte overload.
    /// </summary>
    public void Warp(ReadOnlySpan<float> image, in AffineParameters parameters, Span<float> destination)
    {
        destination = CheckSizes(image, destination);
        Span<L16> pixels = _sourcePixels.Span;
        for (int i = 0; i < pixels.Length; i++)
        {
            float value = image[i];
            ushort packed = value > 0 ? (value < 255 ? (ushort)MathF.Round(value * Scale) : ushort.MaxValue) : (ushort)0; // NaN fails "> 0"
            pixels[i] = new L16(packed);
            _input[i] = packed / Scale;
        }

        Transform(parameters, destination);
    }

    private Span<float> CheckSizes<T>(ReadOnlySpan<T> image, Span<float> destination)
    {
        int size = Width * Height;
        if (image.Length != size) throw new ArgumentException($"Expected {size} pixels; got {image.Length}.", nameof(image));
        if (destination.Length < size) throw new ArgumentException($"Destination needs {size} elements; got {destination.Length}.", nameof(destination));
        return destination[..size];
    }

    /// <summary>Transforms the input already written to the source image and to <see cref="_input"/>.</summary>
    private void Transform(in AffineParameters parameters, Span<float> destination)
    {
        // Output → input map p_in = A·p + b (Keras), composed with MathNet; ImageSharp wants its inverse.
        Matrix<double> map = parameters.GetOutputToInputMatrix(Width, Height, _convention);
        Matrix<double> forward = map.Inverse();
        var matrix = new Matrix3x2(
            (float)forward[0, 0], (float)forward[1, 0],
            (float)forward[0, 1], (float)forward[1, 1],
            (float)forward[0, 2], (float)forward[1, 2]);

        var ink = InkBounds();
        if (ink.IsEmpty)
        {
            destination.Clear();
        }
        else
        {
            using var result = _source.Clone(ctx => ctx.Transform(ink, matrix, _targetSize, _resampler));
            if (!result.DangerousTryGetSinglePixelMemory(out var memory))
                throw new InvalidOperationException("ImageSharp did not allocate the result contiguously.");
            var pixels = memory.Span;
            for (int i = 0; i < destination.Length; i++) destination[i] = pixels[i].PackedValue / Scale;
        }

        FillOutside(map, destination);
    }

    /// <summary>The non-zero bounding box of the source image plus a one-pixel margin (clipped), or an empty rectangle.</summary>
    private Rectangle InkBounds()
    {
        ReadOnlySpan<L16> pixels = _sourcePixels.Span;
        int left = Width, right = -1, top = Height, bottom = -1;
        for (int y = 0; y < Height; y++)
        {
            var row = pixels.Slice(y * Width, Width);
            for (int x = 0; x < row.Length; x++)
            {
                if (row[x].PackedValue == 0) continue;
                if (x < left) left = x;
                if (x > right) right = x;
                if (y < top) top = y;
                bottom = y;
            }
        }

        if (right < 0) return Rectangle.Empty;
        left = Math.Max(0, left - 1);
        top = Math.Max(0, top - 1);
        right = Math.Min(Width - 1, right + 1);
        bottom = Math.Min(Height - 1, bottom + 1);
        return new Rectangle(left, top, right - left + 1, bottom - top + 1);
    }

    /// <summary>Gives every output pixel whose source position lies outside the input its fill-mode value.</summary>
    private void FillOutside(Matrix<double> map, Span<float> destination)
    {
        double m00 = map[0, 0], m01 = map[0, 1], m02 = map[0, 2], m10 = map[1, 0], m11 = map[1, 1], m12 = map[1, 2];
        double maxX = Width - 1, maxY = Height - 1;
        for (int y = 0; y < Height; y++)
        {
            double rowX = (m01 * y) + m02, rowY = (m11 * y) + m12;
            for (int x = 0; x < Width; x++)
            {
                double sx = (m00 * x) + rowX;
                double sy = (m10 * x) + rowY;
                if (sx >= 0 && sx <= maxX && sy >= 0 && sy <= maxY) continue;
                destination[(y * Width) + x] = _fillMode == FillMode.Constant ? _fillValue : SampleExtended(sx, sy);
            }
        }
    }

    private float SampleExtended(double sx, double sy)
    {
        ReadOnlySpan<float> image = _input;
        if (_nearest)
        {
            int xn = Extend((int)Math.Floor(sx + 0.5), Width), yn = Extend((int)Math.Floor(sy + 0.5), Height);
            return image[(yn * Width) + xn];
        }

        double fx0 = Math.Floor(sx), fy0 = Math.Floor(sy);
        double fx = sx - fx0, fy = sy - fy0;
        int x0 = Extend((int)fx0, Width), x1 = Extend((int)fx0 + 1, Width);
        int y0 = Extend((int)fy0, Height), y1 = Extend((int)fy0 + 1, Height);
        double top = ((1 - fx) * image[(y0 * Width) + x0]) + (fx * image[(y0 * Width) + x1]);
        double bottom = ((1 - fx) * image[(y1 * Width) + x0]) + (fx * image[(y1 * Width) + x1]);
        return (float)(((1 - fy) * top) + (fy * bottom));
    }

    /// <summary>The input index that index <paramref name="k"/> of the extended line copies.</summary>
    private int Extend(int k, int length)
    {
        if ((uint)k < (uint)length) return k;
        return _fillMode switch
        {
            FillMode.Reflect => Reflect(k, length),
            FillMode.Wrap => Mod(k, length),
            _ => Math.Clamp(k, 0, length - 1),
        };
    }

    private static int Reflect(int k, int length)
    {
        int m = Mod(k, 2 * length);
        return m < length ? m : (2 * length) - 1 - m;
    }

    private static int Mod(int k, int n) => ((k % n) + n) % n;

    public void Dispose() => _source.Dispose();
}
