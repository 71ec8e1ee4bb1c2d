using Mnist.Models;

namespace Mnist.Augmentation;

/// <summary>
/// Test-time augmentation for any <see cref="IClassifier"/>: each image is predicted as <see cref="Views"/> deterministic
/// views — the image itself first (when <see cref="IncludesOriginal"/>), then random affine transforms drawn by
/// <see cref="RandomAffineAugmenter.Draw(int, int, int, int, int)"/> with (seed, view, a hash of the image's values) —
/// and the views' probabilities are averaged (arithmetic mean). An image's views depend only on the seed and the image
/// itself: not on its position, on how the caller batches the images, on the run or on the thread. Create it with
/// <see cref="ClassifierAugmentationExtensions.WithTestTimeAugmentation"/>. Does not own the inner classifier.
/// </summary>
public sealed class TestTimeAugmentedClassifier : IClassifier
{
    /// <summary>Images whose views are predicted in one call of the inner classifier.</summary>
    private const int ImagesPerCall = 64;

    private readonly IClassifier _inner;
    private readonly RandomAffineAugmenter _augmenter;
    private readonly int _seed;

    internal TestTimeAugmentedClassifier(IClassifier inner, RandomAffineAugmenter augmenter, int views, int seed, bool includeOriginal)
    {
        var shape = inner.InputShape;
        if (shape.Rank != 3)
            throw new ArgumentException($"Test-time augmentation needs image inputs (channels, height, width); the classifier takes {shape}.", nameof(inner));
        _inner = inner;
        _augmenter = augmenter;
        Views = views;
        _seed = seed;
        IncludesOriginal = includeOriginal;
    }

    /// <summary>Views averaged per image (1 or more).</summary>
    public int Views { get; }

    /// <summary>Whether the first view is the unchanged image.</summary>
    public bool IncludesOriginal { get; }

    /// <inheritdoc />
    public TensorShape InputShape => _inner.InputShape;

    /// <inheritdoc />
    public int ClassCount => _inner.ClassCount;

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames => _inner.ClassNames;

    /// <summary>
    /// The transform of view <paramref name="view"/> of <paramref name="image"/>: the identity for view 0 when
    /// <see cref="IncludesOriginal"/>, else a draw of the augmenter for (seed, view, <see cref="ImageKey"/>).
    /// </summary>
    /// <param name="image">One image (<see cref="InputShape"/> values).</param>
    /// <param name="view">The view, in [0, <see cref="Views"/>).</param>
    /// <exception cref="ArgumentException">The image does not have <see cref="InputShape"/>.</exception>
    public AffineParameters ViewTransform(ReadOnlySpan<float> image, int view)
    {
        ImageBuffer.Check(InputShape, image, 1);
        if ((uint)view >= (uint)Views) throw new ArgumentOutOfRangeException(nameof(view), view, $"The view must be in [0, {Views}).");
        if (IncludesOriginal && view == 0) return AffineParameters.Identity;
        return _augmenter.Draw(_seed, view, ImageKey(image), InputShape[2], InputShape[1]);
    }

    /// <summary>A deterministic 32-bit hash of an image's values (FNV-1a over their bits): the "index" its views are drawn with.</summary>
    /// <param name="image">The image's values.</param>
    public static int ImageKey(ReadOnlySpan<float> image)
    {
        uint hash = 2166136261;
        foreach (float value in image)
        {
            uint bits = (uint)BitConverter.SingleToInt32Bits(value);
            for (int b = 0; b < 4; b++)
            {
                hash = (hash ^ (byte)(bits >> (8 * b))) * 16777619;
            }
        }

        return (int)(hash & int.MaxValue);
    }

    /// <inheritdoc />
    public ClassProbabilities PredictProba(ReadOnlySpan<float> images, int count)
    {
        long perImage = ImageBuffer.Check(InputShape, images, count);
        int channels = InputShape[0], height = InputShape[1], width = InputShape[2], plane = height * width;
        int classes = ClassCount;
        var result = new float[(long)count * classes];
        using var warper = _augmenter.CreateWarper(width, height);
        for (int start = 0; start < count; start += ImagesPerCall)
        {
            int n = Math.Min(ImagesPerCall, count - start);
            var views = new float[(long)n * Views * perImage];
            for (int i = 0; i < n; i++)
            {
                var image = images.Slice((int)((start + i) * perImage), (int)perImage);
                for (int v = 0; v < Views; v++)
                {
                    var destination = views.AsSpan((int)(((i * Views) + v) * perImage), (int)perImage);
                    if (IncludesOriginal && v == 0)
                    {
                        image.CopyTo(destination);
                        continue;
                    }

                    var parameters = ViewTransform(image, v);
                    for (int c = 0; c < channels; c++) warper.Warp(image.Slice(c * plane, plane), parameters, destination.Slice(c * plane, plane));
                }
            }

            var predicted = _inner.PredictProba(views, n * Views);
            for (int i = 0; i < n; i++)
            {
                var row = result.AsSpan((start + i) * classes, classes);
                for (int c = 0; c < classes; c++)
                {
                    double sum = 0;
                    for (int v = 0; v < Views; v++) sum += predicted[(i * Views) + v, c];
                    row[c] = (float)(sum / Views);
                }
            }
        }

        return ClassProbabilities.Wrap(result, count, classes);
    }

    /// <summary>Does nothing: the inner classifier belongs to the caller.</summary>
    public void Dispose()
    {
    }
}
