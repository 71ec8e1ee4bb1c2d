using System.Globalization;
using Mnist.Data;
using Mnist.Models;

namespace Mnist.Ensemble;

/// <summary>
/// Several <see cref="SequentialModel"/>s of the same input and output shape whose class probabilities are combined
/// (the notebook's <c>Ensemble</c> class): <c>Fit</c> trains every member with its own seed, <c>PredictProba</c> combines the
/// members' softmax outputs (<see cref="Combination"/>), <c>Evaluate</c> reports each member and the ensemble, and
/// <c>Save</c>/<c>Load</c> store every member with a manifest. Create it with <see cref="EnsembleBuilder"/>
/// (<c>builder.ToEnsemble(…).Build()</c>), <see cref="FromModels"/> or <see cref="Load"/>.
/// Owns its members' native memory: dispose it. Prediction is safe from several threads at once; adding members,
/// training, saving and changing the combination must not overlap with anything else.
/// </summary>
public sealed partial class ModelEnsemble : ITensorClassifier
{
    private const long MemberSeedStream = 0x454E53454D42; // "ENSEMB"
    private readonly List<EnsembleMember> _members = new();
    private EnsembleCombination _combination;
    private bool _disposed;

    internal ModelEnsemble(int seed, EnsembleCombination combination)
    {
        Seed = seed;
        Combination = combination;
    }

    /// <summary>
    /// The ensemble seed the members' seeds derive from (<see cref="MemberSeed"/>): the one given, or the one drawn when
    /// none was (see docs/models-and-training.md, "Seeds and reproducibility"); passing it back rebuilds the same members.
    /// </summary>
    public int Seed { get; }

    /// <summary>The members, in order.</summary>
    public IReadOnlyList<EnsembleMember> Members => _members;

    /// <summary>Number of members.</summary>
    public int Count => _members.Count;

    /// <summary>The members that are trained (see <see cref="EnsembleMember.IsTrained"/>).</summary>
    public IReadOnlyList<EnsembleMember> TrainedMembers => _members.Where(m => m.IsTrained).ToArray();

    /// <summary>Per-sample input shape shared by every member.</summary>
    public TensorShape InputShape => First.Model.InputShape;

    /// <summary>Per-sample output shape shared by every member, e.g. (None, 10).</summary>
    public TensorShape OutputShape => First.Model.OutputShape;

    /// <summary>Number of classes.</summary>
    public int ClassCount => First.Model.ClassCount;

    /// <summary>The class names shared by every member (see <see cref="SequentialModel.ClassNames"/>).</summary>
    public IReadOnlyList<string> ClassNames => First.Model.ClassNames;

    /// <summary>How <c>PredictProba</c> combines the members (may be changed at any time).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An undefined value.</exception>
    public EnsembleCombination Combination
    {
        get => _combination;
        set
        {
            if (!Enum.IsDefined(value)) throw new ArgumentOutOfRangeException(nameof(Combination), value, $"Combination has the undefined value {value}.");
            _combination = value;
        }
    }

    /// <summary>The members' weights for <see cref="EnsembleCombination.WeightedMean"/>, in member order (as given, not normalised).</summary>
    public IReadOnlyList<double> Weights => _members.Select(m => m.Weight).ToArray();

    /// <summary>The seed of member <paramref name="memberIndex"/> (0-based) of an ensemble seeded with <paramref name="ensembleSeed"/>.</summary>
    public static int MemberSeed(int ensembleSeed, int memberIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(memberIndex);
        return SeedMixer.Mix(ensembleSeed, MemberSeedStream, memberIndex);
    }

    /// <summary>
    /// An ensemble of models trained (or created) elsewhere, e.g. loaded with <see cref="SequentialModel.Load"/>. The
    /// ensemble takes ownership of them (disposing it disposes them) and treats them as trained.
    /// </summary>
    /// <param name="models">At least one model; all with the same input and output shapes.</param>
    /// <param name="seed">Ensemble seed, from which each member's <see cref="EnsembleMember.Seed"/> derives; default <see langword="null"/>: a fresh seed, reported as <see cref="Seed"/>.</param>
    /// <param name="combination">Combination rule (default arithmetic mean).</param>
    /// <exception cref="ArgumentException">No model, a null or repeated model, or shapes that differ (named in the message).</exception>
    public static ModelEnsemble FromModels(IEnumerable<SequentialModel> models, int? seed = null, EnsembleCombination combination = EnsembleCombination.ArithmeticMean)
    {
        ArgumentNullException.ThrowIfNull(models);
        var list = models.ToList();
        if (list.Count == 0) throw new ArgumentException("An ensemble needs at least one model.", nameof(models));
        var ensemble = new ModelEnsemble(SeedPolicy.Resolve(seed), combination);
        try
        {
            foreach (var model in list) ensemble.Add(model);
            return ensemble;
        }
        catch
        {
            // Ownership passes only on success: leave the caller's models alive.
            ensemble._members.Clear();
            throw;
        }
    }

    /// <summary>
    /// Adds a model trained elsewhere (e.g. loaded from a file) as the next member. The ensemble takes ownership of it.
    /// </summary>
    /// <param name="model">The model; its input and output shapes must equal the ensemble's.</param>
    /// <param name="weight">Its weight for <see cref="EnsembleCombination.WeightedMean"/> (finite, ≥ 0; default 1).</param>
    /// <param name="isTrained">Whether it counts as trained (default true); untrained members are trained by <c>Fit</c> with <c>SkipTrainedMembers</c>.</param>
    /// <returns>The new member.</returns>
    /// <exception cref="ArgumentException">The shapes differ (both named), or the model is already a member.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The weight is negative or not finite.</exception>
    public EnsembleMember Add(SequentialModel model, double weight = 1.0, bool isTrained = true) => AddMember(model, weight, isTrained);

    /// <summary>Sets the members' weights for <see cref="EnsembleCombination.WeightedMean"/> (one per member, ≥ 0, positive sum).</summary>
    /// <param name="weights">One weight per member, in member order.</param>
    /// <param name="useWeightedMean">Also switch <see cref="Combination"/> to <see cref="EnsembleCombination.WeightedMean"/> (default true).</param>
    /// <exception cref="ArgumentException">Wrong count, a negative or non-finite weight, or a zero sum.</exception>
    public void SetWeights(IReadOnlyList<double> weights, bool useWeightedMean = true)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(weights);
        ProbabilityCombination.ValidateWeights(weights, _members.Count);
        for (int i = 0; i < _members.Count; i++) _members[i].Weight = weights[i];
        if (useWeightedMean) Combination = EnsembleCombination.WeightedMean;
    }

    internal EnsembleMember AddMember(SequentialModel model, double weight, bool isTrained)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(model);
        if (!double.IsFinite(weight) || weight < 0)
            throw new ArgumentOutOfRangeException(nameof(weight), weight, $"weight must be a finite number ≥ 0; got {weight}.");
        if (_members.Any(m => ReferenceEquals(m.Model, model)))
            throw new ArgumentException("This model is already a member of the ensemble; build or load a separate model for each member.", nameof(model));
        _ = model.Network; // ObjectDisposedException for a disposed model
        if (model.OutputShape.Rank != 1)
            throw new ArgumentException($"Ensemble members must output one probability per class; the model outputs {model.OutputShape}.", nameof(model));
        if (_members.Count > 0)
        {
            var reference = _members[0].Model;
            if (!model.InputShape.Equals(reference.InputShape))
                throw new ArgumentException($"The model's input shape {model.InputShape} differs from the ensemble's {reference.InputShape}; every member must take the same input.", nameof(model));
            if (!model.OutputShape.Equals(reference.OutputShape))
                throw new ArgumentException($"The model's output shape {model.OutputShape} differs from the ensemble's {reference.OutputShape}; every member must predict the same classes.", nameof(model));
            if (!model.ClassNames.SequenceEqual(reference.ClassNames))
                throw new ArgumentException($"The model's class names ({string.Join(", ", model.ClassNames)}) differ from the ensemble's ({string.Join(", ", reference.ClassNames)}); every member must name the classes alike.", nameof(model));
        }

        var member = new EnsembleMember(_members.Count, MemberSeed(Seed, _members.Count), model, weight, isTrained);
        _members.Add(member);
        return member;
    }

    /// <summary>The progress label of a member, e.g. <c>member 2/5</c>.</summary>
    internal string LabelOf(EnsembleMember member) => string.Create(CultureInfo.InvariantCulture, $"member {member.Number}/{_members.Count}");

    /// <summary>E.g. <c>Ensemble of 2 members (2 trained), (None, 1, 28, 28) → (None, 10), ArithmeticMean</c>.</summary>
    public override string ToString() =>
        _members.Count == 0
            ? "Empty ensemble"
            : $"Ensemble of {Count} member{(Count == 1 ? string.Empty : "s")} ({TrainedMembers.Count} trained), {InputShape} → {OutputShape}, {Combination}";

    /// <summary>Disposes every member's model.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var member in _members) member.Model.Dispose();
    }

    private EnsembleMember First
    {
        get
        {
            ThrowIfDisposed();
            return _members.Count > 0 ? _members[0] : throw new InvalidOperationException("The ensemble has no members.");
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
