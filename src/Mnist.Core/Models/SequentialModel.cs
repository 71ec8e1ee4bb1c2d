using Mnist.Data;
using Mnist.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Models;

/// <summary>
/// A built sequential model: fixed architecture, trainable weights on a device, and the Keras workflow around it —
/// <see cref="Summary"/>, <c>Compile</c>, <c>Fit</c>, <c>Evaluate</c>, <c>PredictProba</c>, <c>PredictClasses</c>,
/// <see cref="LearningRate"/> (the notebook's <c>set_lr</c>), <c>SaveWeights</c>/<c>LoadWeights</c>, <c>Save</c>/<c>Load</c>.
/// It holds the network, its weights, the optimiser and the training history, and predicts; the training loop and the
/// file formats (<see cref="ModelFile"/> for whole-model files) are types of their own that these methods delegate to.
/// Create it with <see cref="SequentialBuilder.Build"/>. Owns native memory: dispose it. Prediction is safe from several
/// threads at once (calls are serialised: LibTorch already spreads one forward pass over the cores); training, weight
/// changes and saving must not overlap with anything else.
/// </summary>
public sealed class SequentialModel : ITensorClassifier
{
    private readonly string[] _classNames;
    private readonly nn.Module<Tensor, Tensor> _network;
    private readonly Activation _strippedActivation;
    private readonly ComputeCopy? _compute;
    private readonly long[] _inputShapeWithBatch;
    private readonly ModelOptions _options;

    /// <summary>Serialises predictions: switching to eval mode and refreshing the bfloat16 copy are not thread-safe.</summary>
    private readonly object _predictionLock = new();
    private optim.Optimizer? _optimizer;
    private OptimizerOptions? _optimizerOptions;
    private bool _disposed;

    internal SequentialModel(TensorShape inputShape, IReadOnlyList<LayerInfo> layers, nn.Module<Tensor, Tensor> network, Device device, ModelOptions options, Activation strippedActivation, string[] classNames, ComputeCopy? compute = null)
    {
        _classNames = classNames;
        _compute = compute;
        InputShape = inputShape;
        _inputShapeWithBatch = inputShape.WithBatch(0);
        Layers = layers;
        _network = network;
        Device = device;
        _options = options;
        _strippedActivation = strippedActivation;
        // A model rests in evaluation mode; Fit switches to training mode for its epochs and back.
        network.eval();
        compute?.Network.eval();
    }

    /// <summary>Per-sample input shape, e.g. (None, 1, 28, 28).</summary>
    public TensorShape InputShape { get; }

    /// <summary>Per-sample output shape, e.g. (None, 10).</summary>
    public TensorShape OutputShape => Layers[^1].OutputShape;

    /// <summary>Number of classes (the output features).</summary>
    public int ClassCount => OutputShape.Rank == 1 ? OutputShape[0] : throw new InvalidOperationException($"The model's output {OutputShape} is not a class vector.");

    /// <summary>
    /// The name of each class, in class-index order: those given to <see cref="SequentialBuilder.WithClassNames"/> (kept
    /// by whole-model files), else "0", "1", …. Empty when the output is not a class vector.
    /// </summary>
    public IReadOnlyList<string> ClassNames => _classNames;

    /// <summary>The built layers with their names, shapes and parameter counts.</summary>
    public IReadOnlyList<LayerInfo> Layers { get; }

    /// <summary>The device the weights live on.</summary>
    public Device Device { get; }

    /// <summary>
    /// A copy of the options the model was built with, with <see cref="ModelOptions.Seed"/> set to the seed actually used
    /// (<see cref="Seed"/>). A new copy on every read: changing it changes nothing, and
    /// <c>builder.Build(model.Options)</c> builds the same initial weights again.
    /// </summary>
    public ModelOptions Options => _options.Clone();

    /// <summary>
    /// The seed the model was built with: <see cref="ModelOptions.Seed"/> when one was given, else the one drawn for it
    /// (see docs/models-and-training.md, "Seeds and reproducibility"). It seeded the initial weights and seeds each epoch's
    /// dropout and <c>Fit(MnistDataset)</c>'s shuffling.
    /// </summary>
    public int Seed => _options.Seed!.Value;

    /// <summary>The compute precision the model was built with (<see cref="ModelOptions.Precision"/>).</summary>
    public ComputePrecision Precision => _options.Precision;

    /// <summary>
    /// Whether the architecture ends in a softmax (or log-softmax). Training and <c>Evaluate</c> then compute the
    /// cross-entropy from the logits before it (numerically stable); <c>PredictProba</c> returns the softmax.
    /// </summary>
    public bool EndsWithSoftmax => _strippedActivation != Activation.None;

    /// <summary>
    /// The TorchSharp network with the float32 master weights (escape hatch). It returns <em>logits</em>: a final softmax
    /// of the architecture is applied by <c>PredictProba</c>, not by this module. Changing its structure is not supported.
    /// With <see cref="ComputePrecision.BFloat16"/>, training and inference run on an internal bfloat16 copy: parameters
    /// are copied from this module before every step and prediction, batch-norm statistics flow from the copy back to this
    /// module at the end of each epoch; change weights through <c>LoadWeights</c> so that everything follows.
    /// </summary>
    public nn.Module<Tensor, Tensor> Network
    {
        get
        {
            ThrowIfDisposed();
            return _network;
        }
    }

    /// <summary>Every epoch trained by every <c>Fit</c> call on this model, in order.</summary>
    public TrainingHistory History { get; } = new();

    /// <summary>Number of epochs trained so far (over all <c>Fit</c> calls); also the epoch index given to batch sources.</summary>
    public int EpochsTrained { get; internal set; }

    /// <summary>The optimiser options given to <see cref="Compile"/>, or <see langword="null"/> before it.</summary>
    public OptimizerOptions? OptimizerOptions => _optimizerOptions?.Clone();

    /// <summary>
    /// The optimiser's current learning rate; setting it between or during fits is the notebook's <c>set_lr</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model was not compiled.</exception>
    public double LearningRate
    {
        get => EnsureCompiled().ParamGroups.First().LearningRate;
        set
        {
            Guard.MustBeFinitePositive(value, nameof(LearningRate));
            foreach (var group in EnsureCompiled().ParamGroups) group.LearningRate = value;
        }
    }

    /// <summary>Keras-style summary: layers, output shapes, parameter counts and totals.</summary>
    public ModelSummary Summary() => new(InputShape, Layers);

    /// <summary>The layer descriptions, in order (as given to the builder).</summary>
    public IEnumerable<Layer> LayerDescriptions => Layers.Select(l => l.Layer);

    /// <summary>A builder with this model's input shape, layers and class names, to build a fresh copy (e.g. another ensemble member).</summary>
    public SequentialBuilder ToBuilder()
    {
        var builder = new SequentialBuilder(InputShape);
        foreach (var layer in Layers) builder.Add(layer.Layer);
        if (_classNames.Length > 0) builder.WithClassNames(_classNames);
        return builder;
    }

    /// <summary>
    /// Chooses the optimiser (Keras <c>compile</c>; loss is categorical cross-entropy from logits, metric accuracy).
    /// Calling it again replaces the optimiser and its state.
    /// </summary>
    /// <param name="optimizer">E.g. <c>new AdamOptions { LearningRate = 0.01 }</c>; copied and validated here.</param>
    /// <returns>This model, for chaining.</returns>
    public SequentialModel Compile(OptimizerOptions optimizer)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(optimizer);
        optimizer = optimizer.Clone();
        optimizer.Validate();
        _optimizer?.Dispose();
        _optimizer = optimizer.Create(_network.parameters());
        _optimizerOptions = optimizer;
        return this;
    }

    /// <summary>
    /// Trains on <paramref name="train"/> (Keras <c>fit</c>): <see cref="FitOptions.Epochs"/> epochs at the current learning
    /// rate, or each phase of <see cref="FitOptions.Schedule"/> after setting its learning rate (the notebook's
    /// <c>set_lr</c> + <c>fit</c>, as <see cref="TrainingSchedule.NotebookLongFit"/>). A schedule trains exactly as
    /// consecutive <c>Fit</c> calls with <see cref="LearningRate"/> set by hand between them would.
    /// </summary>
    /// <param name="train">Batches: a plain dataset source (<c>dataset.Batches(DefaultBatchSize.Training, shuffle: true)</c>) or an augmenting generator.</param>
    /// <param name="options">Epochs or schedule, validation, callbacks, progress; <see langword="null"/>: one epoch, nothing else.</param>
    /// <param name="cancellationToken">Stops training; the weights are put back to the end of the last complete epoch.</param>
    /// <returns>This fit's epochs over all phases (also appended to <see cref="History"/>); each records its learning rate.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the exception names the property, e.g. <c>Epochs</c>).</exception>
    /// <exception cref="TrainingDivergedException">The loss became NaN/infinite; weights restored to the epoch start.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; completed epochs are kept in <see cref="History"/>.</exception>
    public TrainingHistory Fit(IBatchSource train, FitOptions? options = null, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(train);
        return TrainingLoop.Fit(this, train, options, cancellationToken);
    }

    /// <summary>
    /// Trains on a dataset in shuffled batches of <see cref="DefaultBatchSize.Training"/> (seeded by
    /// the model's <see cref="Seed"/>); for another batch size pass <c>train.Batches(n, shuffle: true, seed: …)</c>.
    /// </summary>
    /// <param name="train">Training samples.</param>
    /// <param name="options">Epochs or schedule, validation, callbacks, progress.</param>
    /// <param name="cancellationToken">Stops training.</param>
    /// <returns>This fit's epochs.</returns>
    public TrainingHistory Fit(MnistDataset train, FitOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        return Fit(train.Batches(DefaultBatchSize.Training, shuffle: true, seed: Seed), options, cancellationToken);
    }

    /// <summary>
    /// A snapshot of every parameter and buffer (Keras <c>get_weights</c>): private copies of the float32 master
    /// weights, owned by the returned object — dispose it. Later training does not change it.
    /// </summary>
    public ModelWeights GetWeights()
    {
        ThrowIfDisposed();
        return new ModelWeights(_network.state_dict().Select(kv => (kv.Key, kv.Value)));
    }

    /// <summary>
    /// Copies a snapshot from <see cref="GetWeights"/> (of this model or another of the same architecture) into this
    /// model (Keras <c>set_weights</c>). Every name, shape and type is checked first; nothing changes when a check fails.
    /// With <see cref="ComputePrecision.BFloat16"/> the compute copy follows before the next step or prediction. The
    /// snapshot stays owned by the caller and can be set again.
    /// </summary>
    /// <exception cref="WeightsMismatchException">A tensor is missing from the snapshot, unexpected, or has another shape or type; the first is named.</exception>
    /// <exception cref="ObjectDisposedException">The model or the snapshot is disposed.</exception>
    public void SetWeights(ModelWeights weights)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(weights);
        var state = _network.state_dict();
        foreach (var (name, current) in state)
        {
            var saved = weights.Find(name)
                ?? throw new WeightsMismatchException(name, $"The snapshot lacks tensor '{name}' ({string.Join(", ", current.shape)}) that this model has: it was taken from another architecture.");
            if (!saved.shape.SequenceEqual(current.shape))
                throw new WeightsMismatchException(name, $"Tensor '{name}' has shape ({string.Join(", ", saved.shape)}) in the snapshot but ({string.Join(", ", current.shape)}) in this model.");
            if (saved.dtype != current.dtype)
                throw new WeightsMismatchException(name, $"Tensor '{name}' is {saved.dtype} in the snapshot but {current.dtype} in this model.");
        }

        if (weights.Names.FirstOrDefault(n => !state.ContainsKey(n)) is { } extra)
            throw new WeightsMismatchException(extra, $"The snapshot has tensor '{extra}' that this model does not: it was taken from another architecture.");
        using (no_grad())
        {
            foreach (var (name, current) in state) current.copy_(weights.Get(name));
        }

        OnWeightsReplaced();
    }

    /// <summary>
    /// Class probabilities for a batch of images (float32, (B, 1, H, W), on any device, the scale the model was trained on;
    /// 0–255 for the presets). Eval mode, no gradients. The result is a new (B, classes) float32 tensor on the CPU (see
    /// <see cref="ITensorClassifier.PredictProba"/>), owned by the caller. Safe to call from several threads at once.
    /// </summary>
    /// <exception cref="ArgumentException">The images do not have the model's input shape.</exception>
    public Tensor PredictProba(Tensor images)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(images);
        lock (_predictionLock)
        {
            return PredictProbaLocked(images);
        }
    }

    private Tensor PredictProbaLocked(Tensor images)
    {
        bool wasTraining = EnterEvaluation();
        try
        {
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            var probabilities = nn.functional.softmax(ForwardChecked(images), 1);
            if (probabilities.device_type != DeviceType.CPU) probabilities = probabilities.cpu();
            return probabilities.MoveToOuterDisposeScope();
        }
        finally
        {
            if (wasTraining) ComputeNetwork.train();
        }
    }

    /// <summary>
    /// Class probabilities for <paramref name="count"/> images stored one after another (see
    /// <see cref="IClassifier.PredictProba"/>), predicted in chunks of <see cref="DefaultBatchSize.Evaluation"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The length of <paramref name="images"/> is not <paramref name="count"/> images.</exception>
    public ClassProbabilities PredictProba(ReadOnlySpan<float> images, int count)
    {
        ThrowIfDisposed();
        return TensorPrediction.PredictProba(this, images, count);
    }

    /// <summary>
    /// Puts the network in evaluation mode (a walk over its modules only when it is in training mode) and brings a
    /// bfloat16 compute copy up to date; returns whether it was training, for the caller to restore.
    /// </summary>
    private bool EnterEvaluation()
    {
        bool wasTraining = ComputeNetwork.training;
        if (wasTraining) ComputeNetwork.eval();
        _compute?.PullParameters();
        return wasTraining;
    }

    private Tensor ForwardChecked(Tensor images)
    {
        var shape = images.shape; // one native call; the checks below reuse it
        var expected = _inputShapeWithBatch;
        bool fits = shape.Length == expected.Length;
        for (int i = 1; fits && i < shape.Length; i++) fits = shape[i] == expected[i];
        if (!fits)
            throw new ArgumentException($"Images of shape ({string.Join(", ", shape)}) do not fit the model's input {InputShape}.", nameof(images));
        if (images.dtype != ScalarType.Float32)
            throw new ArgumentException($"Images must be float32 (got {images.dtype}); convert with .to(torch.float32).", nameof(images));
        var x = images.device_type == Device.type ? images : images.to(Device);
        return ForwardCompute(x);
    }

    /// <summary>
    /// Writes every parameter and buffer in TorchSharp's format (Keras <c>save_weights</c>). Atomic: a crash while saving
    /// leaves a previous file intact. Load it into a model of the same architecture with <see cref="LoadWeights(string)"/>.
    /// </summary>
    public void SaveWeights(string path)
    {
        ThrowIfDisposed();
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        WeightsFile.Save(this, path);
    }

    /// <summary>
    /// Loads weights written by <see cref="SaveWeights"/> (Keras <c>load_weights</c>). The file is checked against this
    /// architecture first, and every value for NaN and infinities (moving variances also for negative values); nothing
    /// is changed when a check fails.
    /// </summary>
    /// <exception cref="ModelFileException">
    /// The file is corrupt or truncated, names the first tensor that is missing, unexpected, or has another shape (both
    /// shapes given), or holds a NaN or infinite value (the tensor and element are named).
    /// </exception>
    public void LoadWeights(string path)
    {
        ThrowIfDisposed();
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        WeightsFile.Load(this, path);
    }

    /// <summary>
    /// Writes a whole-model file (Keras <c>model.save</c>): the same as <see cref="ModelFile.Save(SequentialModel, string)"/>,
    /// which documents the format and also writes to streams. Atomic. <see cref="Load"/> restores a model that predicts
    /// exactly like this one. Models with Lambda or module layers cannot be saved this way (use <see cref="SaveWeights"/>).
    /// </summary>
    /// <exception cref="NotSupportedException">A layer has no configuration, a custom layer uses a built-in type name, or a configuration uses the reserved key <c>type</c> or <c>name</c>.</exception>
    public void Save(string path) => ModelFile.Save(this, path);

    /// <summary>
    /// Loads a whole-model file written by <see cref="Save"/> (Keras <c>load_model</c>): the same as
    /// <see cref="ModelFile.Load(string, ModelOptions?, ModelLoadLimits?, CustomLayers?)"/>, which documents every check
    /// made before the network is built.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Device and seed for the loaded model (default CPU, unseeded).</param>
    /// <param name="limits">Resource limits (default <c>new ModelLoadLimits()</c>); raise them to load a larger model you trust.</param>
    /// <param name="customLayers">Factories for the custom layer types the file may name (default <see cref="CustomLayers.Empty"/>).</param>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="ModelFileException">The file is not a valid model file of this version, exceeds a limit, holds NaN or infinite weights, or names an unregistered layer type.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A limit is not positive.</exception>
    public static SequentialModel Load(string path, ModelOptions? options = null, ModelLoadLimits? limits = null, CustomLayers? customLayers = null) =>
        ModelFile.Load(path, options, limits, customLayers);

    /// <summary>The network that computes: the bfloat16 copy when <see cref="ComputePrecision.BFloat16"/>, else the master.</summary>
    internal nn.Module<Tensor, Tensor> ComputeNetwork => _compute?.Network ?? _network;

    /// <summary>The bfloat16 compute copy, or <see langword="null"/> for float32 compute.</summary>
    internal ComputeCopy? ComputeCopy => _compute;

    /// <summary>Runs the computing network on float32 images and returns float32 logits (in the ambient dispose scope).</summary>
    internal Tensor ForwardCompute(Tensor images)
    {
        if (_compute is null) return _network.forward(images);
        return _compute.Network.forward(images.to(_compute.DataType)).to(ScalarType.Float32);
    }

    /// <summary>The optimiser made by <see cref="Compile"/>.</summary>
    /// <exception cref="InvalidOperationException">The model was not compiled.</exception>
    internal optim.Optimizer Optimizer => EnsureCompiled();

    /// <summary>Copies every parameter and buffer (caller disposes the copies).</summary>
    internal Dictionary<string, Tensor> SnapshotWeights()
    {
        ThrowIfDisposed();
        using var _ = no_grad();
        var copies = new Dictionary<string, Tensor>();
        foreach (var (name, tensor) in _network.state_dict())
        {
            using var detached = tensor.detach();
            copies[name] = detached.clone();
        }

        return copies;
    }

    /// <summary>Copies a snapshot from <see cref="SnapshotWeights"/> back into the network.</summary>
    internal void RestoreWeights(Dictionary<string, Tensor> snapshot)
    {
        ThrowIfDisposed();
        using var _ = no_grad();
        foreach (var (name, current) in _network.state_dict())
        {
            if (snapshot.TryGetValue(name, out var saved)) current.copy_(saved);
        }

        OnWeightsReplaced();
    }

    /// <summary>Tells a bfloat16 compute copy that the master weights changed outside training, so it copies them all before the next step or prediction.</summary>
    internal void OnWeightsReplaced()
    {
        if (_compute is not null) _compute.Stale = true;
    }

    /// <summary>Releases the network, the optimiser and their native tensors.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _optimizer?.Dispose();
        _compute?.Dispose();
        _network.Dispose();
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private optim.Optimizer EnsureCompiled()
    {
        ThrowIfDisposed();
        return _optimizer ?? throw new InvalidOperationException("The model is not compiled: call Compile(new AdamOptions { … }) before Fit or LearningRate.");
    }
}
