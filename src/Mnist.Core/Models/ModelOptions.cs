using TorchSharp;

namespace Mnist.Models;

/// <summary>How <see cref="SequentialBuilder.Build"/> creates a model. Validated by <c>Build</c>.</summary>
public sealed class ModelOptions
{
    /// <summary>
    /// Seed for weight initialisation and for the dropout randomness of each epoch. Default <see langword="null"/>:
    /// not seeded (runs differ). With a seed, the same seed and thread count give the same weights after each epoch.
    /// </summary>
    public int? Seed { get; set; }

    /// <summary>Device to run on. Default <see cref="DeviceType.CPU"/>; <see cref="DeviceType.CUDA"/> needs a CUDA bundle and GPU.</summary>
    public DeviceType Device { get; set; } = DeviceType.CPU;

    /// <summary>Index of the CUDA device; default −1 (the current one). Ignored on CPU.</summary>
    public int DeviceIndex { get; set; } = -1;

    /// <summary>
    /// Number format of the forward and backward passes; default <see cref="ComputePrecision.Float32"/>.
    /// <see cref="ComputePrecision.BFloat16"/> keeps float32 master weights and is faster on CPUs with native bfloat16.
    /// </summary>
    public ComputePrecision Precision { get; set; } = ComputePrecision.Float32;

    internal void Validate()
    {
        if (Device is not (DeviceType.CPU or DeviceType.CUDA))
            throw new ArgumentOutOfRangeException(nameof(Device), Device, "Only DeviceType.CPU and DeviceType.CUDA are supported.");
        if (!Enum.IsDefined(Precision)) throw new ArgumentOutOfRangeException(nameof(Precision), Precision, "Unknown compute precision.");
        if (DeviceIndex < -1) throw new ArgumentOutOfRangeException(nameof(DeviceIndex), DeviceIndex, "DeviceIndex must be −1 (current) or a device number.");
    }

    internal ModelOptions Clone() => new() { Seed = Seed, Device = Device, DeviceIndex = DeviceIndex, Precision = Precision };
}
