using Mnist.Models;
using Mnist.Training;
using TorchSharp;

namespace Mnist.Ensemble;

/// <summary>
/// Creates <see cref="ModelEnsemble"/>s: from a configured <see cref="SequentialBuilder"/> (usually through
/// <c>builder.ToEnsemble(members: 2, seed: 1)</c>) or from a model factory, with <see cref="EnsembleOptions"/>.
/// Mutable and reusable: every <see cref="Build"/> creates fresh members.
/// </summary>
public sealed class EnsembleBuilder
{
    private readonly Func<int, int, SequentialModel>? _memberFactory;

    /// <summary>Members are built from <paramref name="architecture"/> (copied now; later changes to it do not apply).</summary>
    /// <param name="architecture">The member architecture, e.g. <c>KnownModels.NotebookMiniNet(normalizer)</c>.</param>
    /// <param name="options">Options (deep-copied now, validated by <see cref="Build"/>); defaults documented on <see cref="EnsembleOptions"/>.</param>
    public EnsembleBuilder(SequentialBuilder architecture, EnsembleOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        Architecture = architecture.Clone();
        Options = options?.Clone() ?? new EnsembleOptions();
    }

    /// <summary>Members are created by <paramref name="memberFactory"/>.</summary>
    /// <param name="memberFactory">
    /// Creates member <c>memberIndex</c> (0-based) and should seed it with <c>memberSeed</c>, e.g.
    /// <c>(i, seed) =&gt; myBuilder.Build(new ModelOptions { Seed = seed })</c>. Each call must return a new model; the
    /// ensemble takes ownership of it.
    /// </param>
    /// <param name="options">Options (deep-copied now, validated by <see cref="Build"/>); <see cref="EnsembleOptions.Member"/> is not applied to factory-made models.</param>
    public EnsembleBuilder(Func<int, int, SequentialModel> memberFactory, EnsembleOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(memberFactory);
        _memberFactory = memberFactory;
        Options = options?.Clone() ?? new EnsembleOptions();
    }

    /// <summary>
    /// This builder's own copy of the options, used by <see cref="Build"/>; change them freely before building (the fluent
    /// <c>With…</c> methods do). Each <see cref="Build"/> copies and validates them, so an ensemble never changes with them.
    /// </summary>
    public EnsembleOptions Options { get; }

    /// <summary>The member architecture, or <see langword="null"/> when members come from a factory.</summary>
    public SequentialBuilder? Architecture { get; }

    /// <summary>Sets <see cref="EnsembleOptions.MemberCount"/>.</summary>
    public EnsembleBuilder WithMembers(int memberCount)
    {
        Options.MemberCount = memberCount;
        return this;
    }

    /// <summary>Sets <see cref="EnsembleOptions.Seed"/> (<see langword="null"/>: a fresh seed per <see cref="Build"/>, reported as <see cref="ModelEnsemble.Seed"/>).</summary>
    public EnsembleBuilder WithSeed(int? seed)
    {
        Options.Seed = seed;
        return this;
    }

    /// <summary>Sets <see cref="EnsembleOptions.Combination"/>.</summary>
    public EnsembleBuilder WithCombination(EnsembleCombination combination)
    {
        Options.Combination = combination;
        return this;
    }

    /// <summary>Uses <see cref="EnsembleCombination.WeightedMean"/> with one weight per member.</summary>
    public EnsembleBuilder WithWeights(params double[] weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        Options.Weights = (double[])weights.Clone();
        Options.Combination = EnsembleCombination.WeightedMean;
        return this;
    }

    /// <summary>Sets <see cref="EnsembleOptions.OptimizerFactory"/> (<see langword="null"/>: the optimiser each member was built with, else Adam defaults).</summary>
    public EnsembleBuilder WithOptimizer(Func<OptimizerOptions>? optimizerFactory)
    {
        Options.OptimizerFactory = optimizerFactory;
        return this;
    }

    /// <summary>Sets <see cref="ModelOptions.Device"/> and <see cref="ModelOptions.DeviceIndex"/> of <see cref="EnsembleOptions.Member"/>.</summary>
    public EnsembleBuilder OnDevice(DeviceType device, int deviceIndex = -1)
    {
        Options.Member ??= new ModelOptions();
        Options.Member.Device = device;
        Options.Member.DeviceIndex = deviceIndex;
        return this;
    }

    /// <summary>Sets <see cref="ModelOptions.Precision"/> of <see cref="EnsembleOptions.Member"/>.</summary>
    public EnsembleBuilder WithPrecision(ComputePrecision precision)
    {
        Options.Member ??= new ModelOptions();
        Options.Member.Precision = precision;
        return this;
    }

    /// <summary>
    /// Copies and validates the options, creates and compiles every member, and returns the ensemble (untrained). Without
    /// <see cref="EnsembleOptions.Seed"/> a fresh ensemble seed is drawn for this build (see <see cref="ModelEnsemble.Seed"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is invalid.</exception>
    /// <exception cref="ArgumentException">The factory returned null or the same model twice, or the members' input/output shapes differ.</exception>
    /// <exception cref="ModelBuildException">The architecture cannot be built.</exception>
    public ModelEnsemble Build()
    {
        var options = Options.Clone();
        options.Validate();
        var ensemble = new ModelEnsemble(SeedPolicy.Resolve(options.Seed), options.Combination);
        try
        {
            for (int i = 0; i < options.MemberCount; i++)
            {
                int seed = ModelEnsemble.MemberSeed(ensemble.Seed, i);
                var model = (Architecture is { } architecture ? architecture.Build(options.ModelOptionsFor(seed)) : _memberFactory!(i, seed))
                    ?? throw new ArgumentException($"The member factory returned null for member {i + 1}.");
                try
                {
                    if (options.OptimizerFactory is { } createOptimizer)
                        model.Compile(createOptimizer() ?? throw new ArgumentException("The optimizer factory returned null."));
                    else if (model.OptimizerOptions is null)
                        model.Compile(new AdamOptions());

                    ensemble.AddMember(model, options.Weights?[i] ?? 1.0, isTrained: false);
                }
                catch
                {
                    // Not added (AddMember only adds after every check); disposing twice is harmless if it was a duplicate.
                    model.Dispose();
                    throw;
                }
            }

            return ensemble;
        }
        catch
        {
            ensemble.Dispose();
            throw;
        }
    }
}
