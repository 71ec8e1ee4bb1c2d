using Mnist.Models;

namespace Mnist.Ensemble;

/// <summary>One model of a <see cref="ModelEnsemble"/>, with its seed, weight and training state. Owned by the ensemble.</summary>
public sealed class EnsembleMember
{
    internal EnsembleMember(int index, int seed, SequentialModel model, double weight, bool isTrained)
    {
        Index = index;
        Seed = seed;
        Model = model;
        Weight = weight;
        IsTrained = isTrained;
    }

    /// <summary>0-based position in the ensemble (also the index given to member and training-source factories).</summary>
    public int Index { get; }

    /// <summary>1-based position, as shown in progress labels and reports ("member 2/5").</summary>
    public int Number => Index + 1;

    /// <summary>
    /// The member's seed, derived from the ensemble seed and <see cref="Index"/>: built members are initialised with it and
    /// training-source factories receive it (e.g. for the shuffling and augmentation order).
    /// </summary>
    public int Seed { get; }

    /// <summary>The model. It belongs to the ensemble: do not dispose it yourself.</summary>
    public SequentialModel Model { get; }

    /// <summary>Weight in <see cref="EnsembleCombination.WeightedMean"/> (finite, ≥ 0; default 1). Set with <see cref="ModelEnsemble.SetWeights"/>.</summary>
    public double Weight { get; internal set; }

    /// <summary>
    /// Whether the member completed a whole training schedule of <c>ModelEnsemble.Fit</c>, was added as trained, or was loaded
    /// trained. A member whose training was cancelled midway is not trained (its weights are those of its last complete epoch).
    /// </summary>
    public bool IsTrained { get; internal set; }

    /// <summary>E.g. <c>member 2 (seed 123, trained)</c>.</summary>
    public override string ToString() => $"member {Number} (seed {Seed}, {(IsTrained ? "trained" : "untrained")})";
}
