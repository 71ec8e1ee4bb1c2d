using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Data;

public sealed partial class MnistDataset
{
    /// <summary>
    /// The images as a new tensor of shape (N, 1, H, W): <see cref="ScalarType.Byte"/> (uint8, the raw pixels) or
    /// <see cref="ScalarType.Float32"/> (0–255 scale, the <see cref="Batch"/> convention). The caller owns it.
    /// </summary>
    /// <param name="dtype">Byte or Float32.</param>
    /// <param name="device">Target device; the CPU when null.</param>
    /// <exception cref="ArgumentException"><paramref name="dtype"/> is neither Byte nor Float32.</exception>
    public Tensor ToImageTensor(ScalarType dtype = ScalarType.Byte, Device? device = null)
    {
        if (dtype is not (ScalarType.Byte or ScalarType.Float32))
            throw new ArgumentException($"Images convert to Byte or Float32 tensors, not {dtype}.", nameof(dtype));
        TorchRuntime.EnsureInitialized();
        using var scope = NewDisposeScope();
        // clone/to_type: the result never shares memory with the (immutable) managed pixel array.
        Tensor raw = torch.tensor(_pixels, [Count, 1, Height, Width]);
        Tensor result = dtype == ScalarType.Float32 ? raw.to_type(ScalarType.Float32) : raw.clone();
        if (device is not null && device.type != DeviceType.CPU) result = result.to(device);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>The labels as a new int64 tensor of shape (N) (what cross-entropy losses expect). The caller owns it.</summary>
    /// <param name="device">Target device; the CPU when null.</param>
    public Tensor ToLabelTensor(Device? device = null)
    {
        TorchRuntime.EnsureInitialized();
        using var scope = NewDisposeScope();
        Tensor result = torch.tensor(_labels, [Count]).to_type(ScalarType.Int64);
        if (device is not null && device.type != DeviceType.CPU) result = result.to(device);
        return result.MoveToOuterDisposeScope();
    }
}
