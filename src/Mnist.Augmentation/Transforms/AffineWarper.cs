using System.Numerics;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using SixLabors.ImageSharp.Processing.Processors.Transforms;

namespace Mnist.Augmentation;

/// <summary>
/// Applies <see cref="AffineParameters"/> to greyscale byte images with ImageSharp, reusing its buffers; one per thread.
/// </summary>
/// <remarks>
/// ImageSharp has no fill modes, so the input is first written into a larger 16-bit image whose border of
/// <see cref="Padding"/> pixels holds the extension the fill mode asks for (edge, mirror or tile; zeros for
/// <see cref="FillMode.Constant"/>, whose value is applied afterwards exactly where the source position lies outside
/// the input, as scipy does). The padding covers every source position the augmenter can reach, so ImageSharp never
/// samples beyond it. ImageSharp's transform matrix is forward (input → output) and samples at integer pixel
/// positions like scipy, so the Keras output → input map, offset by the padding, is inverted and passed with an
/// explicit W×H target size. 16-bit pixels (value × 257) keep the interpolated grey levels to within 0.002 of
/// Keras' floating-point output instead of rounding them to integers.
/// </remarks>
internal sealed class AffineWarper : IDisposable
{
    private const float Scale = 257f;
    private readonly Image<L16> _padded;
    private readonly Memory<L16> _paddedPixels;
    private readonly int[] _rowSources;
    private readonly int[] _columnSources;
    private readonly IResampler _resampler;
    private readonly FillMode _fillMode;
    private readonly float _fillValue;
    private readonly Rectangle _sourceRectangle;
    private readonly Size _targetSize;

    public AffineWarper(int width, int height, int padding, FillMode fillMode, double fillValue, Interpolation interpolation)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        Width = width;
        Height = height;
        Padding = padding;
        _fillMode = fillMode;
        _fillValue = (float)fillValue;
        _resampler = interpolation == Interpolation.Nearest ? KnownResamplers.NearestNeighbor : KnownResamplers.Triangle;
        var configuration = Configuration.Default.Clone();
        configuration.MaxDegreeOfParallelism = 1;
        int paddedWidth = width + (2 * padding), paddedHeight = height + (2 * padding);
        _padded = new Image<L16>(configuration, paddedWidth, paddedHeight);
        if (!_padded.DangerousTryGetSinglePixelMemory(out _paddedPixels))
            throw new InvalidOperationException("ImageSharp did not allocate the padded image contiguously.");
        _rowSources = BuildExtension(height, padding, fillMode);
        _columnSources = BuildExtension(width, padding, fillMode);
        _sourceRectangle = new Rectangle(0, 0, paddedWidth, paddedHeight);
        _targetSize = new Size(width, height);
    }

    public int Width { get; }

    public int Height { get; }

    public int Padding { get; }

    /// <summary>Transforms <paramref name="image"/> (W×H bytes) into <paramref name="destination"/> (W×H floats, 0–255 scale).</summary>
    public void Warp(ReadOnlySpan<byte> image, in AffineParameters parameters, Span<float> destination)
    {
        int size = Width * Height;
        if (image.Length != size) throw new ArgumentException($"Expected {size} pixels; got {image.Length}.", nameof(image));
        if (destination.Length < size) throw new ArgumentException($"Destination needs {size} elements; got {destination.Length}.", nameof(destination));
        FillPadded(image);

        var outputToInput = parameters.GetOutputToInputMatrix(Width, Height);
        var paddedMap = outputToInput.Clone();
        paddedMap[0, 2] += Padding;
        paddedMap[1, 2] += Padding;
        var forward = paddedMap.Inverse();
        var matrix = new Matrix3x2(
            (float)forward[0, 0], (float)forward[1, 0],
            (float)forward[0, 1], (float)forward[1, 1],
            (float)forward[0, 2], (float)forward[1, 2]);

        using (var result = _padded.Clone(ctx => ctx.Transform(_sourceRectangle, matrix, _targetSize, _resampler)))
        {
            if (!result.DangerousTryGetSinglePixelMemory(out var memory))
                throw new InvalidOperationException("ImageSharp did not allocate the result contiguously.");
            var pixels = memory.Span;
            for (int i = 0; i < size; i++) destination[i] = pixels[i].PackedValue / Scale;
        }

        if (_fillMode == FillMode.Constant) ApplyConstantFill(outputToInput, destination);
    }

    private void FillPadded(ReadOnlySpan<byte> image)
    {
        Span<L16> pixels = _paddedPixels.Span;
        int paddedWidth = _columnSources.Length;
        int[] columns = _columnSources;
        for (int y = 0; y < _rowSources.Length; y++)
        {
            var row = pixels.Slice(y * paddedWidth, paddedWidth);
            int sourceRow = _rowSources[y];
            if (sourceRow < 0)
            {
                row.Clear();
                continue;
            }

            var source = image.Slice(sourceRow * Width, Width);
            for (int x = 0; x < row.Length; x++)
            {
                int column = columns[x];
                row[x] = new L16(column < 0 ? (ushort)0 : (ushort)(source[column] * 257));
            }
        }
    }

    private void ApplyConstantFill(MathNet.Numerics.LinearAlgebra.Matrix<double> map, Span<float> destination)
    {
        double m00 = map[0, 0], m01 = map[0, 1], m02 = map[0, 2], m10 = map[1, 0], m11 = map[1, 1], m12 = map[1, 2];
        double maxX = Width - 1, maxY = Height - 1;
        for (int y = 0; y < Height; y++)
        {
            for (int x = 0; x < Width; x++)
            {
                double sx = (m00 * x) + (m01 * y) + m02;
                double sy = (m10 * x) + (m11 * y) + m12;
                if (sx < 0 || sx > maxX || sy < 0 || sy > maxY) destination[(y * Width) + x] = _fillValue;
            }
        }
    }

    /// <summary>For each padded coordinate −P … n+P−1, the input index it copies (−1: none, constant fill).</summary>
    private static int[] BuildExtension(int length, int padding, FillMode mode)
    {
        var map = new int[length + (2 * padding)];
        for (int i = 0; i < map.Length; i++)
        {
            int k = i - padding;
            map[i] = mode switch
            {
                FillMode.Nearest => Math.Clamp(k, 0, length - 1),
                FillMode.Constant => k >= 0 && k < length ? k : -1,
                FillMode.Reflect => Reflect(k, length),
                FillMode.Wrap => Mod(k, length),
                _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown fill mode."),
            };
        }

        return map;
    }

    private static int Reflect(int k, int length)
    {
        int m = Mod(k, 2 * length);
        return m < length ? m : (2 * length) - 1 - m;
    }

    private static int Mod(int k, int n) => ((k % n) + n) % n;

    public void Dispose() => _padded.Dispose();
}
