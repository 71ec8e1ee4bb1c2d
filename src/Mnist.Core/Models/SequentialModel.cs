using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Models;

/// <summary>
/// A built sequential model: fixed architecture, trainable weights on a device, and the Keras workflow around it —
/// <see cref="Summary"/>, <c>Compile</c>, <c>Fit</c>, <c>Evaluate</c>, <c>PredictProba</c>, <c>PredictClasses</c>,
/// <see cref="LearningRate"/> (the notebook's <c>set_lr</c>), <c>SaveWeights</c>/<c>LoadWeights</c>, <c>Save</c>/<c>Load</c>.
/// Create it with <see cref="SequentialBuilder.Build"/>. Owns native memory: dispose it. Prediction is safe from several
/// threads at once (calls are serialised: LibTorch already spreads one forward pass over the cores); training, weight
/// changes and saving must not overlap with anything else.
/// </summary>
public sealed partial class SequentialModel : ITensorClassifier
{
    private readonly string[] _classNames;
    private readonly nn.Module<Tensor, Tensor> _network;
    private readonly Activation _strippedActivation;
    private readonly ComputeCopy? _compute;
    private readonly long[] _inputShapeWithBatch;
    private readonly ModelOptions _options;
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

    /// <summary>The network that computes: the bfloat16 copy when <see cref="ComputePrecision.BFloat16"/>, else the master.</summary>
    private nn.Module<Tensor, Tensor> Active => _compute?.Network ?? _network;

    /// <summary>Runs the computing network on float32 images and returns float32 logits (in the ambient dispose scope).</summary>
    private Tensor ForwardActive(Tensor images)
    {
        if (_compute is null) return _network.forward(images);
        return _compute.Network.forward(images.to(_compute.DataType)).to(ScalarType.Float32);
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

        if (_compute is not null) _compute.Stale = true;
    }

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
}
