using System.Globalization;
using Mnist.Data;
using Mnist.Models;
using Mnist.Training;
using static TorchSharp.torch;

namespace Mnist.Ensemble;

/// <summary>
/// Several <see cref="SequentialModel"/>s of the same input and output shape whose class probabilities are combined
/// (the notebook's <c>Ensemble</c> class): <c>Fit</c> trains every member with its own seed, <c>PredictProba</c> combines the
/// members' softmax outputs (<see cref="Combination"/>), <c>Evaluate</c> reports each member and the ensemble, and
/// <c>Save</c>/<c>Load</c> store every member with a manifest. Create it with <see cref="EnsembleBuilder"/>
/// (<c>builder.ToEnsemble(…).Build()</c>), <see cref="FromModels"/> or <see cref="Load"/>.
/// It holds the members and their combination and predicts; training the members and the folder format are types of
/// their own that <c>Fit</c>, <c>Save</c> and <c>Load</c> delegate to. Owns its members' native memory: dispose it.
/// Prediction is safe from several threads at once; adding members, training, saving and changing the combination must
/// not overlap with anything else.
/// </summary>
public sealed class ModelEnsemble : ITensorClassifier
{
    /// <summary>Name of the manifest inside an ensemble folder.</summary>
    public const string ManifestFileName = "ensemble.json";

    /// <summary>The <c>format</c> value of ensemble manifests.</summary>
    public const string ManifestFormat = "mnist-ensemble";

    /// <summary>The manifest version this library writes and reads.</summary>
    public const int ManifestVersion = 1;

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

    /// <summary>File name of member <paramref name="memberNumber"/> (1-based) in an ensemble folder: <c>member-1.mnistmodel</c>.</summary>
    public static string MemberFileName(int memberNumber)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(memberNumber);
        return string.Create(CultureInfo.InvariantCulture, $"member-{memberNumber}.mnistmodel");
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
    /// Assembles an ensemble from member files trained separately — one process, machine or scheduler job per member —
    /// each written by <see cref="ModelFile.Save(SequentialModel, string)"/>. Every file is loaded with the checks of
    /// <see cref="ModelFile.Load(string, ModelOptions?, ModelLoadLimits?, CustomLayers?)"/>; then, as for a saved ensemble's
    /// manifest, every member must have the first member's architecture hash
    /// (<see cref="ModelFileHeader.ArchitectureSha256"/>), input and output shape and class names. Every problem found is
    /// named. Save the result with <see cref="Save"/> to get an ensemble folder with a manifest.
    /// </summary>
    /// <param name="paths">The member files, in member order (at least one, each named once).</param>
    /// <param name="seed">Ensemble seed (default a fresh one, reported as <see cref="Seed"/>); the members keep their trained weights.</param>
    /// <param name="combination">Combination rule (default arithmetic mean).</param>
    /// <param name="options">Device and precision of the members (copied and validated); its seed must be null.</param>
    /// <param name="limits">Resource limits for each file (default <c>new ModelLoadLimits()</c>).</param>
    /// <param name="customLayers">Factories for custom layer types the members use (default none).</param>
    /// <exception cref="FileNotFoundException">A member file does not exist.</exception>
    /// <exception cref="ModelFileException">A member file is not a valid model file.</exception>
    /// <exception cref="EnsembleFileException">The members disagree on architecture, shapes or class names; <see cref="EnsembleFileException.Problems"/> lists each.</exception>
    /// <exception cref="ArgumentException">No path, a repeated path, or <paramref name="options"/> has a seed.</exception>
    public static ModelEnsemble FromModelFiles(IEnumerable<string> paths, int? seed = null, EnsembleCombination combination = EnsembleCombination.ArithmeticMean, ModelOptions? options = null, ModelLoadLimits? limits = null, CustomLayers? customLayers = null) =>
        EnsembleFolder.FromModelFiles(paths, seed, combination, options, limits, customLayers);

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

    /// <summary>
    /// Trains every member on a dataset in shuffled batches of <see cref="DefaultBatchSize.Training"/>, each member in its
    /// own order (seeded with <see cref="EnsembleMember.Seed"/>): <c>ensemble.Fit(train, new() { Schedule = TrainingSchedule.NotebookLongFit(1, 1) })</c>.
    /// For another batch size or augmentation use the source-factory overload.
    /// </summary>
    /// <param name="train">Training samples.</param>
    /// <param name="options">Epochs or schedule, validation, callbacks, progress, skipping; <see langword="null"/>: one epoch.</param>
    /// <param name="cancellationToken">Stops training.</param>
    /// <returns>What each member did.</returns>
    /// <exception cref="EnsembleTrainingCanceledException">Cancelled; finished members stay trained.</exception>
    public EnsembleTrainingResult Fit(MnistDataset train, EnsembleFitOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        return Fit((_, seed) => train.Batches(DefaultBatchSize.Training, shuffle: true, seed: seed), options, cancellationToken);
    }

    /// <summary>
    /// Trains the members one after another, each with the member's <c>SequentialModel.Fit</c> on the source
    /// <paramref name="trainSource"/>(memberIndex, memberSeed) creates — e.g. <c>(i, seed) =&gt; train.Batches(64, shuffle: true, seed: seed)</c>,
    /// an augmenting generator seeded per member, or <c>(_, _) =&gt; source</c> for one shared source. A member is marked
    /// trained when it completes the schedule.
    /// </summary>
    /// <param name="trainSource">Creates the training source of a member from its 0-based index and its seed (called once per member).</param>
    /// <param name="options">Epochs or schedule, validation, callbacks, progress, per-member callbacks, and whether to skip trained members; <see langword="null"/>: one epoch.</param>
    /// <param name="cancellationToken">Stops training cleanly (the current member keeps its last complete epoch).</param>
    /// <returns>What each member did.</returns>
    /// <exception cref="EnsembleTrainingCanceledException">Cancelled; the exception lists the trained members and the partial result.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the exception names the property).</exception>
    /// <exception cref="InvalidOperationException">The ensemble is empty or a member is not compiled.</exception>
    /// <exception cref="TrainingDivergedException">A member's loss became NaN/infinite (that member is restored to the start of the epoch; earlier members stay trained).</exception>
    public EnsembleTrainingResult Fit(Func<int, int, IBatchSource> trainSource, EnsembleFitOptions? options = null, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(trainSource);
        return EnsembleTrainer.Fit(this, trainSource, options, cancellationToken);
    }

    /// <summary>
    /// Combined class probabilities (B × classes, float32, on the CPU, owned by the caller) for a batch of images of the
    /// members' input shape. Each member predicts in eval mode without gradients; see <see cref="Combination"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The images do not have the members' input shape.</exception>
    public Tensor PredictProba(Tensor images)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(images);
        if (_members.Count == 0) throw new InvalidOperationException("The ensemble has no members.");
        using var scope = NewDisposeScope();
        return CombineTensors(PredictMembers(images)).MoveToOuterDisposeScope();
    }

    /// <summary>Combined class probabilities for <paramref name="count"/> images stored one after another (see <see cref="IClassifier.PredictProba"/>).</summary>
    /// <exception cref="ArgumentException">The length of <paramref name="images"/> is not <paramref name="count"/> images.</exception>
    public ClassProbabilities PredictProba(ReadOnlySpan<float> images, int count)
    {
        ThrowIfDisposed();
        return TensorPrediction.PredictProba(this, images, count);
    }

    /// <summary>Every member's own class probabilities (one per member, in member order) for <paramref name="data"/>, in one pass.</summary>
    /// <param name="data">Batches (labels are ignored).</param>
    /// <param name="cancellationToken">Stops the prediction.</param>
    public IReadOnlyList<ClassProbabilities> PredictMemberProba(IBatchSource data, CancellationToken cancellationToken = default) =>
        Collect(data, collectMembers: true, collectLabels: false, cancellationToken).Members;

    /// <summary>
    /// Every member's loss and accuracy and the ensemble's, in one pass over <paramref name="data"/> (each member predicts
    /// each batch once). Every loss is the definition of <see cref="ClassifierDataExtensions.Evaluate(IClassifier, IBatchSource, CancellationToken)"/>,
    /// <see cref="ClassProbabilities.CrossEntropy"/> of the (member or combined) float32 probabilities; a member's loss
    /// therefore equals its own <c>Evaluate</c> loss.
    /// </summary>
    /// <param name="data">Batches with labels, e.g. <c>test.Batches(256)</c>.</param>
    /// <param name="cancellationToken">Stops the evaluation.</param>
    /// <exception cref="ArgumentException">No samples, or a label outside [0, classes).</exception>
    public EnsembleEvaluation Evaluate(IBatchSource data, CancellationToken cancellationToken = default)
    {
        var (members, combined, labels) = Collect(data, collectMembers: true, collectLabels: true, cancellationToken);
        if (labels.Length == 0) throw new ArgumentException("The evaluation source yielded no samples.", nameof(data));
        var scores = new List<MemberEvaluation>(members.Count);
        for (int m = 0; m < members.Count; m++)
        {
            scores.Add(new MemberEvaluation(m + 1, members[m].CrossEntropy(labels), members[m].Accuracy(labels)));
        }

        var ensemble = new EvaluationResult(combined.CrossEntropy(labels), combined.Accuracy(labels), labels.Length);
        return new EnsembleEvaluation(scores, ensemble, Combination) { Probabilities = combined };
    }

    /// <summary>Evaluates on a dataset in batches of <paramref name="batchSize"/> (default 256), in dataset order.</summary>
    /// <param name="data">Samples with labels.</param>
    /// <param name="batchSize">Samples per forward pass.</param>
    /// <param name="cancellationToken">Stops the evaluation.</param>
    public EnsembleEvaluation Evaluate(MnistDataset data, int batchSize = DefaultBatchSize.Evaluation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Evaluate(data.Batches(batchSize), cancellationToken);
    }

    /// <summary>Combines the members' (B, C) CPU float32 probabilities with <see cref="Combination"/> into a (B, C) CPU float32 tensor.</summary>
    private Tensor CombineTensors(IReadOnlyList<Tensor> members) =>
        ProbabilityCombination.Combine(members, Combination, Combination == EnsembleCombination.WeightedMean ? Weights : null);

    /// <summary>Each member's (B, C) float32 probabilities on the CPU, in the current dispose scope.</summary>
    private List<Tensor> PredictMembers(Tensor images)
    {
        var result = new List<Tensor>(_members.Count);
        foreach (var member in _members) result.Add(member.Model.PredictProba(images));
        return result;
    }

    private (List<ClassProbabilities> Members, ClassProbabilities Combined, int[] Labels) Collect(IBatchSource data, bool collectMembers, bool collectLabels, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(data);
        if (_members.Count == 0) throw new InvalidOperationException("The ensemble has no members.");
        int classes = ClassCount;
        var parts = collectMembers ? _members.Select(_ => new List<float>()).ToArray() : [];
        var combined = new List<float>();
        var labels = new List<int>();
        foreach (var batch in data.GetBatches(0, cancellationToken))
        {
            using var scope = NewDisposeScope();
            using (batch)
            {
                var predictions = PredictMembers(batch.Images);
                for (int m = 0; m < parts.Length; m++) parts[m].AddRange(predictions[m].data<float>().ToArray());
                combined.AddRange(CombineTensors(predictions).data<float>().ToArray());
                if (collectLabels)
                {
                    using var cpuLabels = batch.Labels.cpu();
                    foreach (long label in cpuLabels.data<long>().ToArray())
                    {
                        if (label < 0 || label >= classes)
                            throw new ArgumentException($"Labels must be class indices in [0, {classes}); found {label}.", nameof(data));
                        labels.Add((int)label);
                    }
                }
            }
        }

        int count = combined.Count / classes;
        var members = parts.Select(part => ClassProbabilities.Wrap(part.ToArray(), count, classes)).ToList();
        return (members, ClassProbabilities.Wrap(combined.ToArray(), count, classes), labels.ToArray());
    }

    /// <summary>
    /// Saves the ensemble as a folder: <c>ensemble.json</c> (format version, member count, seed, combination, input and
    /// output shape, member 1's architecture with the normaliser's statistics, and per member its file, SHA-256,
    /// architecture hash, seed, weight and training state) and one Core whole-model file per member
    /// (<c>member-1.mnistmodel</c>, …). Everything is written into a hidden sibling folder first and then swapped in, so a
    /// failure midway leaves an existing ensemble folder intact. Saves into one folder are serialised by a lock file beside
    /// it (<c>.{name}.lock</c>, deleted afterwards), and a successful save deletes the hidden <c>.{name}.saving-…</c> and
    /// <c>.{name}.old-…</c> folders that crashed saves of the same folder left behind (only folders with exactly those
    /// names; a failed save leaves them alone, since an <c>.old-</c> folder may hold the only copy of the previous ensemble).
    /// </summary>
    /// <param name="folder">The destination folder; an existing ensemble folder there is replaced.</param>
    /// <exception cref="InvalidOperationException">The ensemble has no members.</exception>
    /// <exception cref="NotSupportedException">A member has a layer without a configuration (Lambda or module layers, see <see cref="SequentialModel.Save"/>).</exception>
    /// <exception cref="EnsembleFileException">The folder exists, is not empty and is not an ensemble folder (nothing is replaced).</exception>
    /// <exception cref="IOException">Another save into the same folder is in progress, or the folder cannot be written.</exception>
    public void Save(string folder)
    {
        ThrowIfDisposed();
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        if (_members.Count == 0) throw new InvalidOperationException("An empty ensemble cannot be saved.");
        EnsembleFolder.Save(this, folder);
    }

    /// <summary>
    /// Loads an ensemble saved by <see cref="Save"/>, after checking that the manifest is present and of this version and
    /// that every member file is present, unaltered (SHA-256), of the recorded architecture, and of the ensemble's input
    /// and output shape. Every problem found is named.
    /// </summary>
    /// <param name="folder">The ensemble folder.</param>
    /// <param name="options">Device, device index and precision of the members (copied and validated; default CPU, float32); its seed must be null (each member's derives from the manifest's ensemble seed).</param>
    /// <param name="optimizerFactory">Compiles each loaded member (e.g. <c>() =&gt; new AdamOptions()</c>) so it can be trained further; default: not compiled.</param>
    /// <param name="limits">
    /// Resource limits (default <c>new ModelLoadLimits()</c>). Every member is loaded by <see cref="ModelFile.Load(Stream, string, ModelOptions?, ModelLoadLimits?, CustomLayers?)"/>
    /// with them (bounded entries, shape checks before building, NaN checks), and the members together store at most
    /// <see cref="ModelLoadLimits.MaxParameters"/> values. <c>ensemble.json</c> may hold at most four times
    /// <see cref="ModelLoadLimits.MaxArchitectureBytes"/> (it repeats member 1's architecture and lists the members) and
    /// nest at most <see cref="ModelLoadLimits.MaxJsonDepth"/> levels.
    /// </param>
    /// <param name="customLayers">Factories for custom layer types the members use (default none), passed to <see cref="ModelFile.Load(Stream, string, ModelOptions?, ModelLoadLimits?, CustomLayers?)"/>.</param>
    /// <exception cref="EnsembleFileException">The folder, manifest or a member is missing, corrupt, inconsistent or beyond a limit; <see cref="EnsembleFileException.Problems"/> lists each.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A limit is not positive, or an option is out of range.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> has a seed.</exception>
    public static ModelEnsemble Load(string folder, ModelOptions? options = null, Func<OptimizerOptions>? optimizerFactory = null, ModelLoadLimits? limits = null, CustomLayers? customLayers = null) =>
        EnsembleFolder.Load(folder, options, optimizerFactory, limits, customLayers);

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
