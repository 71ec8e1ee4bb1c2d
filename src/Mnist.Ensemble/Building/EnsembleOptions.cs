using Mnist.Models;
using Mnist.Training;

namespace Mnist.Ensemble;

/// <summary>
/// How an <see cref="EnsembleBuilder"/> creates a <see cref="ModelEnsemble"/>: the member count, the ensemble seed, the
/// combination rule and weights, the optimiser, and the <see cref="Member"/> options (device, precision) every member is
/// built with. Mutable, with documented defaults; the builder clones it (deeply: <see cref="Member"/> and
/// <see cref="Weights"/> are copied) and <see cref="EnsembleBuilder.Build"/> validates its copy, so later changes to this
/// object do not affect a builder or an ensemble already created.
/// </summary>
public sealed class EnsembleOptions
{
    /// <summary>Number of members; default 2 (the notebook's). Valid: at least 1.</summary>
    public int MemberCount { get; set; } = 2;

    /// <summary>
    /// Ensemble seed; member <c>i</c> gets its own seed derived from it (<see cref="ModelEnsemble.MemberSeed"/>, reported as
    /// <see cref="EnsembleMember.Seed"/>), so members start from distinct weights and see distinct data orders, and the
    /// same seed rebuilds the same ensemble. Default <see langword="null"/>: not seeded — every <see cref="EnsembleBuilder.Build"/>
    /// draws a fresh seed from <see cref="Random.Shared"/> and the ensemble reports it as <see cref="ModelEnsemble.Seed"/>,
    /// so the run can be reproduced by passing it back. Any value is valid.
    /// </summary>
    public int? Seed { get; set; }

    /// <summary>How predictions are combined; default <see cref="EnsembleCombination.ArithmeticMean"/> (the notebook's). Valid: a defined value.</summary>
    public EnsembleCombination Combination { get; set; } = EnsembleCombination.ArithmeticMean;

    /// <summary>
    /// One weight per member for <see cref="EnsembleCombination.WeightedMean"/> (finite, ≥ 0, positive sum, exactly
    /// <see cref="MemberCount"/> of them; normalised when combining). Default <see langword="null"/>: every member weighs 1.
    /// </summary>
    public IReadOnlyList<double>? Weights { get; set; }

    /// <summary>
    /// Creates the optimiser options each member is compiled with (called once per member); when set, it replaces the
    /// optimiser a member was built with. Default <see langword="null"/>: every member keeps the optimiser it was built
    /// with — the architecture's (<see cref="SequentialBuilder.Compile"/>; the <c>KnownModels</c> presets compile Adam at
    /// the notebook's learning rate of 0.01) or the member factory's — and a member built without one is compiled with
    /// Adam's Keras defaults (<c>new AdamOptions()</c>, learning rate 0.001). The delegate is shared by copies.
    /// </summary>
    public Func<OptimizerOptions>? OptimizerFactory { get; set; }

    /// <summary>
    /// The options every member built from an architecture is built with: <see cref="ModelOptions.Device"/>,
    /// <see cref="ModelOptions.DeviceIndex"/> and <see cref="ModelOptions.Precision"/> (defaults: CPU, the current device,
    /// float32). Its <see cref="ModelOptions.Seed"/> must stay <see langword="null"/>: each member's seed derives from
    /// <see cref="Seed"/>. Not applied to models made by a member factory. Default: <c>new ModelOptions()</c>; not null.
    /// </summary>
    public ModelOptions Member { get; set; } = new();

    /// <summary>Checks every value, naming the first invalid one (nested ones as <c>Member.Device</c>, …).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; <see cref="ArgumentException.ParamName"/> is the property's name.</exception>
    /// <exception cref="ArgumentNullException"><see cref="Member"/> is null.</exception>
    /// <exception cref="ArgumentException">The weights do not fit the member count, or <see cref="Member"/> has a seed.</exception>
    public void Validate()
    {
        if (MemberCount < 1) throw new ArgumentOutOfRangeException(nameof(MemberCount), MemberCount, $"MemberCount must be at least 1; got {MemberCount}.");
        if (!Enum.IsDefined(Combination)) throw new ArgumentOutOfRangeException(nameof(Combination), Combination, $"Combination has the undefined value {Combination}.");
        if (Weights is not null) ProbabilityCombination.ValidateWeights(Weights, MemberCount, nameof(Weights));
        if (Member is null) throw new ArgumentNullException(nameof(Member), "Member must not be null; use new ModelOptions() for the defaults.");
        if (Member.Seed is { } seed)
        {
            throw new ArgumentException(
                $"Member.Seed must be null (got {seed}): each member's seed derives from EnsembleOptions.Seed (ModelEnsemble.MemberSeed); set Seed instead.",
                "Member.Seed");
        }

        Member.Validate(nameof(Member));
    }

    /// <summary>
    /// The options member <c>i</c> is built with: a copy of <see cref="Member"/> with <paramref name="memberSeed"/> (its
    /// <see cref="ModelEnsemble.MemberSeed"/>) as the seed. Useful in a member factory.
    /// </summary>
    public ModelOptions ModelOptionsFor(int memberSeed)
    {
        var options = (Member ?? new ModelOptions()).Clone();
        options.Seed = memberSeed;
        return options;
    }

    /// <summary>A deep copy: <see cref="Member"/> and <see cref="Weights"/> are copied, <see cref="OptimizerFactory"/> is shared.</summary>
    public EnsembleOptions Clone() => new()
    {
        MemberCount = MemberCount,
        Seed = Seed,
        Combination = Combination,
        Weights = Weights?.ToArray(),
        OptimizerFactory = OptimizerFactory,
        Member = Member?.Clone()!,
    };
}
