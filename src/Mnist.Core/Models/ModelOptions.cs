using TorchSharp;

namespace Mnist.Models;

/// <summary>
/// How <see cref="SequentialBuilder.Build"/> (and <c>SequentialModel.Load</c>) creates a model: seed, device and compute
/// precision. Mutable, with documented defaults; the consumer clones and validates it when it is used, so later changes to
/// this object do not affect a model already built. A built model reports what it was built with through read-only
/// properties (<see cref="SequentialModel.Seed"/>, <see cref="SequentialModel.Precision"/>,
/// <see cref="SequentialModel.Device"/>) and <see cref="SequentialModel.Options"/>, which returns a new copy on every read.
/// </summary>
public sealed class ModelOptions
{
    /// <summary>
    /// Seed of the weight initialisation and of the dropout randomness of each epoch (derived per epoch from this seed).
    /// Default <see langword="null"/>: not seeded — <c>Build</c> draws a fresh seed from <see cref="Random.Shared"/> and the
    /// model reports it as <see cref="SequentialModel.Seed"/>, so the run can be reproduced by passing it back. The same
    /// seed and thread count give the same weights after each epoch. Any value is valid.
    /// </summary>
    public int? Seed { get; set; }

    /// <summary>
    /// Device to run on. Default <see cref="DeviceType.CPU"/>; <see cref="DeviceType.CUDA"/> needs a CUDA bundle and GPU.
    /// Valid: <see cref="DeviceType.CPU"/> or <see cref="DeviceType.CUDA"/>.
    /// </summary>
    public DeviceType Device { get; set; } = DeviceType.CPU;

    /// <summary>Index of the CUDA device; default −1 (the current one). Ignored on CPU. Valid: −1 or more.</summary>
    public int DeviceIndex { get; set; } = -1;

    /// <summary>
    /// Number format of the forward and backward passes; default <see cref="ComputePrecision.Float32"/>.
    /// <see cref="ComputePrecision.BFloat16"/> keeps float32 master weights and is faster on CPUs with native bfloat16.
    /// Valid: a defined <see cref="ComputePrecision"/>.
    /// </summary>
    public ComputePrecision Precision { get; set; } = ComputePrecision.Float32;

    /// <summary>Checks every value, naming the first invalid one; <c>Build</c> and <c>Load</c> call it on their copy.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; <see cref="ArgumentException.ParamName"/> is the property's name.</exception>
    public void Validate() => Validate(null);

    /// <summary>An independent copy (the options hold only values).</summary>
    public ModelOptions Clone() => new() { Seed = Seed, Device = Device, DeviceIndex = DeviceIndex, Precision = Precision };

    /// <summary>Validates, naming properties as <c>{path}.{Property}</c> when these options are nested in others.</summary>
    internal void Validate(string? path)
    {
        string Name(string property) => path is null ? property : $"{path}.{property}";
        if (Device is not (DeviceType.CPU or DeviceType.CUDA))
            throw new ArgumentOutOfRangeException(Name(nameof(Device)), Device, $"{Name(nameof(Device))}: only DeviceType.CPU and DeviceType.CUDA are supported.");
        if (DeviceIndex < -1)
            throw new ArgumentOutOfRangeException(Name(nameof(DeviceIndex)), DeviceIndex, $"{Name(nameof(DeviceIndex))} must be −1 (current) or a device number; got {DeviceIndex}.");
        if (!Enum.IsDefined(Precision))
            throw new ArgumentOutOfRangeException(Name(nameof(Precision)), Precision, $"{Name(nameof(Precision))} has the undefined value {Precision}.");
    }

    /// <summary>A validated copy with <see cref="Seed"/> resolved by the seed policy (a fresh seed when none was given).</summary>
    internal ModelOptions ResolveForBuild()
    {
        var copy = Clone();
        copy.Validate();
        copy.Seed = SeedPolicy.Resolve(copy.Seed);
        return copy;
    }
}
