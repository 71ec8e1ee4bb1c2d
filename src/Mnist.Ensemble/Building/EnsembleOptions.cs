using Mnist.Models;
using Mnist.Training;
using TorchSharp;

namespace Mnist.Ensemble;

/// <summary>How an <see cref="EnsembleBuilder"/> creates a <see cref="ModelEnsemble"/>. Mutable; validated by <see cref="EnsembleBuilder.Build"/>.</summary>
public sealed class EnsembleOptions
{
    /// <summary>Number of members; default 2 (the notebook's). Must be at least 1.</summary>
    public int MemberCount { get; set; } = 2;

    /// <summary>
    /// Ensemble seed; default 0. Member <c>i</c> gets its own seed derived from it (<see cref="EnsembleMember.Seed"/>), so
    /// members start from distinct weights and see distinct data orders, and the same seed rebuilds the same ensemble.
    /// </summary>
    public int Seed { get; set; }

    /// <summary>How predictions are combined; default <see cref="EnsembleCombination.ArithmeticMean"/> (the notebook's).</summary>
    public EnsembleCombination Combination { get; set; } = EnsembleCombination.ArithmeticMean;

    /// <summary>
    /// One weight per member for <see cref="EnsembleCombination.WeightedMean"/> (finite, ≥ 0, positive sum; normalised when
    /// combining). Default <see langword="null"/>: every member weighs 1.
    /// </summary>
    public IReadOnlyList<double>? Weights { get; set; }

    /// <summary>
    /// Creates the optimiser options each member is compiled with (called once per member); when set, it replaces the
    /// optimiser a member was built with. Default <see langword="null"/>: every member keeps the optimiser it was built
    /// with — the architecture's (<see cref="SequentialBuilder.Compile"/>; the <c>KnownModels</c> presets compile Adam at
    /// the notebook's learning rate of 0.01) or the member factory's — and a member built without one is compiled with
    /// Adam's Keras defaults (<c>new AdamOptions()</c>, learning rate 0.001).
    /// </summary>
    public Func<OptimizerOptions>? OptimizerFactory { get; set; }

    /// <summary>Device the members are built on; default <see cref="DeviceType.CPU"/>.</summary>
    public DeviceType Device { get; set; } = DeviceType.CPU;

    /// <summary>CUDA device index; default −1 (the current one). Ignored on CPU.</summary>
    public int DeviceIndex { get; set; } = -1;

    /// <summary>Compute precision of every member (see <see cref="ComputePrecision"/>); default float32.</summary>
    public ComputePrecision Precision { get; set; } = ComputePrecision.Float32;

    /// <summary>Checks every value, naming the first invalid one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    /// <exception cref="ArgumentException">The weights do not fit the member count.</exception>
    public void Validate()
    {
        if (MemberCount < 1) throw new ArgumentOutOfRangeException(nameof(MemberCount), MemberCount, $"MemberCount must be at least 1; got {MemberCount}.");
        if (!Enum.IsDefined(Combination)) throw new ArgumentOutOfRangeException(nameof(Combination), Combination, $"Combination has the undefined value {Combination}.");
        if (Weights is not null) ProbabilityCombination.ValidateWeights(Weights, MemberCount, nameof(Weights));
        if (Device is not (DeviceType.CPU or DeviceType.CUDA))
            throw new ArgumentOutOfRangeException(nameof(Device), Device, "Only DeviceType.CPU and DeviceType.CUDA are supported.");
        if (DeviceIndex < -1) throw new ArgumentOutOfRangeException(nameof(DeviceIndex), DeviceIndex, "DeviceIndex must be −1 (current) or a device number.");
    }

    /// <summary>The model options of the member with seed <paramref name="memberSeed"/>.</summary>
    public ModelOptions ModelOptionsFor(int memberSeed) => new() { Seed = memberSeed, Device = Device, DeviceIndex = DeviceIndex, Precision = Precision };

    internal EnsembleOptions Clone() => new()
    {
        MemberCount = MemberCount,
        Seed = Seed,
        Combination = Combination,
        Weights = Weights?.ToArray(),
        OptimizerFactory = OptimizerFactory,
        Device = Device,
        DeviceIndex = DeviceIndex,
        Precision = Precision,
    };
}
