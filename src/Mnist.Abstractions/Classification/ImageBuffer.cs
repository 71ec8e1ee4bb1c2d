namespace Mnist.Models;

/// <summary>Checks for images passed as one flat span, shared by the implementations of <see cref="IClassifier"/>.</summary>
internal static class ImageBuffer
{
    /// <summary>Checks that <paramref name="images"/> holds <paramref name="count"/> images of <paramref name="shape"/>; returns the values per image.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    /// <exception cref="ArgumentException">The length does not match.</exception>
    public static long Check(TensorShape shape, ReadOnlySpan<float> images, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        long perImage = shape.ElementCount;
        if (images.Length != count * perImage)
            throw new ArgumentException($"Expected {count} images of {perImage} values ({count * perImage} in all, shape {shape}); got {images.Length}.", nameof(images));
        return perImage;
    }
}
