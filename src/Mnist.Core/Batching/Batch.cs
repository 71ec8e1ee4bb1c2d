using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Data;

/// <summary>
/// One mini-batch: images as a float32 tensor of shape (B, 1, H, W) on the 0–255 scale and labels as an int64
/// tensor of shape (B). The batch owns both tensors; dispose it (or let the consumer that received it do so).
/// </summary>
public sealed class Batch : IDisposable
{
    /// <summary>Creates a batch that takes ownership of <paramref name="images"/> and <paramref name="labels"/>.</summary>
    /// <param name="images">float32 (B, 1, H, W), 0–255 scale.</param>
    /// <param name="labels">int64 (B) class indices.</param>
    /// <exception cref="ArgumentException">The shapes or dtypes do not match the contract above.</exception>
    public Batch(Tensor images, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if (images.dim() != 4 || images.shape[1] != 1)
            throw new ArgumentException($"Batch images must have shape (B, 1, H, W); got ({string.Join(", ", images.shape)}).", nameof(images));
        if (labels.dim() != 1 || labels.shape[0] != images.shape[0])
            throw new ArgumentException($"Batch labels must have shape ({images.shape[0]}); got ({string.Join(", ", labels.shape)}).", nameof(labels));
        if (images.dtype != ScalarType.Float32)
            throw new ArgumentException($"Batch images must be float32; got {images.dtype}.", nameof(images));
        if (labels.dtype != ScalarType.Int64)
            throw new ArgumentException($"Batch labels must be int64; got {labels.dtype}.", nameof(labels));
        Images = images;
        Labels = labels;
    }

    /// <summary>float32 images, shape (B, 1, H, W), 0–255 scale.</summary>
    public Tensor Images { get; }

    /// <summary>int64 class indices, shape (B).</summary>
    public Tensor Labels { get; }

    /// <summary>Number of samples B.</summary>
    public int Count => (int)Labels.shape[0];

    /// <summary>Releases both native tensors.</summary>
    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
