using Mnist.Models;
using Mnist.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Models;

/// <summary>
/// Mutable description of a sequential model: an input shape and a list of layers, added with the fluent extension
/// methods (<c>Conv2D</c>, <c>BatchNorm</c>, <c>MaxPool2D</c>, <c>Flatten</c>, <c>Dense</c>, <c>Dropout</c>, …).
/// <see cref="Build"/> infers every shape, reports the first problem, and creates an immutable <see cref="SequentialModel"/>.
/// A builder can be built many times (e.g. once per ensemble member); it is not thread-safe while being changed.
/// </summary>
public sealed class SequentialBuilder
{
    private readonly List<Layer> _layers = new();

    /// <summary>Starts a model whose samples have shape <paramref name="inputShape"/> (e.g. 1 × 28 × 28).</summary>
    public SequentialBuilder(TensorShape inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        InputShape = inputShape;
    }

    /// <summary>Per-sample input shape.</summary>
    public TensorShape InputShape { get; }

    /// <summary>The layers added so far.</summary>
    public IReadOnlyList<Layer> Layers => _layers;

    /// <summary>
    /// A copy of the optimiser every built model is compiled with (Keras <c>compile</c>, set with <see cref="Compile"/>), or
    /// <see langword="null"/>: built models are not compiled and need <see cref="SequentialModel.Compile"/> before <c>Fit</c>.
    /// </summary>
    public OptimizerOptions? Optimizer => _optimizer?.Clone();

    private OptimizerOptions? _optimizer;

    private string[]? _classNames;

    /// <summary>
    /// The class names every built model reports as <see cref="IClassifier.ClassNames"/> (set with
    /// <see cref="WithClassNames"/>), or <see langword="null"/> for the default "0", "1", … one per output unit.
    /// </summary>
    public IReadOnlyList<string>? ClassNames => _classNames;

    /// <summary>
    /// Names the classes of the models this builder builds, in class-index order (e.g. a dataset's
    /// <c>Descriptor.ClassNames</c>). <see cref="Build"/> checks that there is one per output unit; whole-model files keep
    /// them. Calling it again replaces them.
    /// </summary>
    /// <param name="classNames">One non-empty name of at most <see cref="MaxClassNameLength"/> characters per class, all different.</param>
    /// <returns>This builder, for chaining.</returns>
    /// <exception cref="ArgumentException">A name is empty, too long, holds a control character, or is repeated.</exception>
    public SequentialBuilder WithClassNames(IEnumerable<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        var names = classNames.ToArray();
        if (ClassNamesProblem(names) is { } problem) throw new ArgumentException(problem, nameof(classNames));
        _classNames = names;
        return this;
    }

    /// <summary>The longest class name <see cref="WithClassNames"/> accepts: 100 characters.</summary>
    public const int MaxClassNameLength = 100;

    /// <summary>What is wrong with a list of class names, or <see langword="null"/>.</summary>
    internal static string? ClassNamesProblem(IReadOnlyList<string?> names)
    {
        if (names.Count == 0) return "At least one class name is needed.";
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
        {
            var name = names[i];
            if (string.IsNullOrEmpty(name)) return $"Class name {i} is empty.";
            if (name.Length > MaxClassNameLength) return $"Class name {i} has {name.Length} characters, more than {MaxClassNameLength}.";
            if (name.Any(char.IsControl)) return $"Class name {i} holds a control character.";
            if (!seen.Add(name)) return $"Class name '{name}' is repeated; every class needs its own name.";
        }

        return null;
    }

    /// <summary>
    /// Compiles every model this builder builds with a copy of <paramref name="optimizer"/>, as a Keras model compiles
    /// itself (the notebook's <c>miniNet</c> compiles <c>Adam(lr=0.01)</c>). Calling it again replaces the optimiser.
    /// </summary>
    /// <param name="optimizer">E.g. <c>new AdamOptions { LearningRate = 0.01 }</c>; validated here and copied.</param>
    /// <returns>This builder, for chaining.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An optimiser setting is out of range.</exception>
    public SequentialBuilder Compile(OptimizerOptions optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        var copy = optimizer.Clone();
        copy.Validate();
        _optimizer = copy;
        return this;
    }

    /// <summary>Appends a layer.</summary>
    public SequentialBuilder Add(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        _layers.Add(layer);
        return this;
    }

    /// <summary>A copy with the same input shape, layers, optimiser and class names, to extend separately.</summary>
    public SequentialBuilder Clone()
    {
        var copy = new SequentialBuilder(InputShape) { _optimizer = _optimizer?.Clone(), _classNames = _classNames };
        copy._layers.AddRange(_layers);
        return copy;
    }

    /// <summary>
    /// Infers the output shape of every layer and assigns names, without creating any tensor for built-in layers.
    /// </summary>
    /// <exception cref="ModelBuildException">The first layer that cannot take its input, with its position, name and the shapes.</exception>
    public IReadOnlyList<(string Name, Layer Layer, TensorShape Input, TensorShape Output)> ResolveShapes() => ResolveShapes(null);

    /// <summary>
    /// <see cref="ResolveShapes()"/>, calling <paramref name="onOutput"/> with each layer's position, name, description and
    /// output shape before the next layer is resolved (whole-model loading refuses oversized shapes there, before a later
    /// layer can overflow on them).
    /// </summary>
    internal IReadOnlyList<(string Name, Layer Layer, TensorShape Input, TensorShape Output)> ResolveShapes(Action<int, string, Layer, TensorShape>? onOutput)
    {
        if (_layers.Count == 0) throw new ModelBuildException("The model has no layers; add at least one (e.g. Flatten() and Dense(10)).");
        var names = AssignNames();
        var result = new List<(string, Layer, TensorShape, TensorShape)>(_layers.Count);
        var shape = InputShape;
        for (int i = 0; i < _layers.Count; i++)
        {
            var layer = _layers[i];
            TensorShape output;
            try
            {
                output = layer.ComputeOutputShape(shape);
            }
            catch (Exception ex) when (ex is ModelBuildException or ArgumentException or OverflowException)
            {
                throw new ModelBuildException($"Layer {i + 1} '{names[i]}' ({layer.TypeName}) cannot take input {shape}: {ex.Message}", ex);
            }

            onOutput?.Invoke(i, names[i], layer, output);
            result.Add((names[i], layer, shape, output));
            shape = output;
        }

        return result;
    }

    /// <summary>
    /// Validates the stack and creates the model (weights initialised, on the requested device), compiled with
    /// <see cref="Optimizer"/> when one is set.
    /// </summary>
    /// <param name="options">Seed and device; defaults documented on <see cref="ModelOptions"/>.</param>
    /// <exception cref="ModelBuildException">A layer cannot take its input, names collide, or the class names do not match the output.</exception>
    /// <exception cref="TorchRuntimeException">LibTorch or the requested device is unavailable.</exception>
    public SequentialModel Build(ModelOptions? options = null)
    {
        options = (options ?? new ModelOptions()).ResolveForBuild();
        var device = TorchRuntime.GetDevice(options.Device, options.DeviceIndex);

        var plan = Plan();
        var resolved = plan.Layers.Select(l => (l.Name, l.Layer, l.Input, l.Output)).ToList();
        var last = resolved[^1];
        bool stripSoftmax = plan.StripsSoftmax;
        var classNames = ResolveClassNames(last.Output);

        var modules = new List<(string, nn.Module<Tensor, Tensor>)>(resolved.Count);
        var infos = new List<LayerInfo>(resolved.Count);
        // Initialisation draws from LibTorch's global generator seeded for this build only (with the given seed or the
        // one drawn for it); the caller's generator state is restored afterwards.
        using var seeded = GlobalGeneratorScope.Seeded(options.Seed);
        try
        {
            for (int i = 0; i < resolved.Count; i++)
            {
                var (name, layer, input, output) = resolved[i];
                bool isFinal = i == resolved.Count - 1;
                var module = isFinal && stripSoftmax ? layer.CreateModule(input, includeTrailingActivation: false) : layer.CreateModule(input);
                modules.Add((name, module));
                var (trainable, frozen) = CountParameters(module);
                infos.Add(new LayerInfo(name, layer, input, output, trainable, frozen));
            }
        }
        catch
        {
            foreach (var (_, m) in modules) m.Dispose();
            throw;
        }

        var network = nn.Sequential(modules);
        var copies = new List<(string, nn.Module<Tensor, Tensor>)>();
        nn.Module<Tensor, Tensor>? computeNetwork = null;
        ComputeCopy? compute = null;
        try
        {
            network.to(device);
            if (options.Precision == ComputePrecision.BFloat16)
            {
                for (int i = 0; i < resolved.Count; i++)
                {
                    var r = resolved[i];
                    copies.Add((r.Name, i == resolved.Count - 1 && stripSoftmax ? r.Layer.CreateModule(r.Input, includeTrailingActivation: false) : r.Layer.CreateModule(r.Input)));
                }

                computeNetwork = nn.Sequential(copies);
                computeNetwork.to(device);
                computeNetwork.to(ScalarType.BFloat16);
                foreach (var module in computeNetwork.modules())
                {
                    // Batch norm keeps float32 scale, shift and moving statistics (LibTorch accepts bfloat16 input with
                    // float32 batch-norm state, as PyTorch's autocast does): bfloat16 statistics would round away small updates.
                    if (module is TorchSharp.Modules.BatchNorm) module.to(ScalarType.Float32);
                }

                compute = new ComputeCopy(network, computeNetwork, ScalarType.BFloat16);
            }
        }
        catch
        {
            if (computeNetwork is not null) computeNetwork.Dispose();
            else foreach (var (_, m) in copies) m.Dispose();
            network.Dispose();
            throw;
        }

        var model = new SequentialModel(InputShape, infos, network, device, options, stripSoftmax ? last.Layer.TrailingActivation : Activation.None, classNames, compute);
        if (_optimizer is { } optimizer)
        {
            try
            {
                model.Compile(optimizer.Clone());
            }
            catch
            {
                model.Dispose();
                throw;
            }
        }
        return model;
    }

    /// <summary>
    /// Resolves every shape and describes, from the configuration alone (no tensor is created), the tensors each layer
    /// stores and the values per sample it holds, with checked arithmetic. Whole-model loading checks its limits and the
    /// stored weight shapes against this plan before <see cref="Build"/> allocates anything.
    /// </summary>
    /// <param name="onOutput">Called with each layer's output shape as it is resolved (see <see cref="ResolveShapes(Action{int, string, Layer, TensorShape})"/>).</param>
    /// <exception cref="ModelBuildException">A layer cannot take its input, or a count overflows.</exception>
    internal ModelPlan Plan(Action<int, string, Layer, TensorShape>? onOutput = null)
    {
        var resolved = ResolveShapes(onOutput);
        var last = resolved[^1];
        bool stripSoftmax = last.Layer.TrailingActivation is Activation.Softmax or Activation.LogSoftmax;
        if (stripSoftmax && last.Output.Rank != 1)
            throw new ModelBuildException($"The final softmax of layer '{last.Name}' needs a 1-D output but gets {last.Output}.");

        var layers = new List<PlannedLayer>(resolved.Count);
        long totalState = 0;
        long peak = InputShape.ElementCount;
        bool known = true;
        for (int i = 0; i < resolved.Count; i++)
        {
            var (name, layer, input, output) = resolved[i];
            bool includeTrailing = !(i == resolved.Count - 1 && stripSoftmax);
            try
            {
                var state = layer.ExpectedState(input, includeTrailing);
                long stateElements = 0;
                if (state is null) known = false;
                else foreach (var tensor in state) stateElements = checked(stateElements + tensor.ElementCount);
                long working = layer.WorkingElements(input, output);
                totalState = checked(totalState + stateElements);
                peak = Math.Max(peak, Math.Max(output.ElementCount, working));
                layers.Add(new PlannedLayer(name, layer, input, output, state, stateElements, Math.Max(output.ElementCount, working)));
            }
            catch (Exception ex) when (ex is OverflowException or ModelBuildException)
            {
                throw new ModelBuildException($"Layer {i + 1} '{name}' ({layer.TypeName}) on input {input}: its parameter or value count overflows a 64-bit integer ({ex.Message}).", ex);
            }
        }

        return new ModelPlan(layers, stripSoftmax, known, totalState, peak);
    }

    /// <summary>The names of the classes of a model whose output is <paramref name="output"/>: the given ones, checked, or "0", "1", ….</summary>
    private string[] ResolveClassNames(TensorShape output)
    {
        int classes = output.Rank == 1 ? output[0] : -1;
        if (_classNames is null) return classes < 0 ? [] : Enumerable.Range(0, classes).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        if (classes != _classNames.Length)
            throw new ModelBuildException($"{_classNames.Length} class names were given (WithClassNames) but the model outputs {output}; give one name per output unit.");
        return _classNames;
    }

    private static (long Trainable, long NonTrainable) CountParameters(nn.Module module)
    {
        long trainable = 0, frozen = 0;
        foreach (var p in module.parameters())
        {
            if (p.requires_grad) trainable += p.numel();
            else frozen += p.numel();
        }

        foreach (var (name, buffer) in module.named_buffers())
        {
            if (name.EndsWith("running_mean", StringComparison.Ordinal) || name.EndsWith("running_var", StringComparison.Ordinal))
                frozen += buffer.numel();
        }

        return (trainable, frozen);
    }

    private string[] AssignNames()
    {
        var names = new string[_layers.Count];
        var taken = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < _layers.Count; i++)
        {
            if (_layers[i].Name is { } given)
            {
                if (!taken.Add(given)) throw new ModelBuildException($"Layer {i + 1}: the name '{given}' is used by another layer; layer names must be unique.");
                names[i] = given;
            }
        }

        var counters = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < _layers.Count; i++)
        {
            if (names[i] is not null) continue;
            string prefix = AutoPrefix(_layers[i].TypeName);
            string candidate;
            do
            {
                counters[prefix] = counters.GetValueOrDefault(prefix) + 1;
                candidate = $"{prefix}_{counters[prefix]}";
            }
            while (!taken.Add(candidate));
            names[i] = candidate;
        }

        return names;
    }

    /// <summary>Keras-style snake_case prefix: Conv2D → conv2d, BatchNormalization → batch_normalization.</summary>
    internal static string AutoPrefix(string typeName)
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < typeName.Length; i++)
        {
            char c = typeName[i];
            if (char.IsUpper(c) && i > 0 && char.IsLower(typeName[i - 1])) sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }

        return sb.ToString();
    }
}
