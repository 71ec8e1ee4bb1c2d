using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mnist.Models;
using static TorchSharp.torch;

namespace Mnist.Models;

public sealed partial class SequentialModel
{
    /// <summary>The <c>format</c> value of whole-model files.</summary>
    public const string ModelFileFormat = "mnist-sequential-model";

    /// <summary>The version of whole-model files this library writes and reads.</summary>
    public const int ModelFileVersion = 1;

    private const string ArchitectureEntry = "model.json";
    private const string WeightsEntry = "weights.bin";

    /// <summary>
    /// Writes every parameter and buffer in TorchSharp's format (Keras <c>save_weights</c>). Atomic: a crash while saving
    /// leaves a previous file intact. Load it into a model of the same architecture with <see cref="LoadWeights(string)"/>.
    /// </summary>
    public void SaveWeights(string path)
    {
        ThrowIfDisposed();
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            _network.save(writer);
        });
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
        if (!File.Exists(path)) throw new FileNotFoundException($"Weights file not found: {path}", path);
        using var stream = File.OpenRead(path);
        LoadWeights(stream, path);
    }

    private void LoadWeights(Stream stream, string path)
    {
        WeightsIndex index;
        try
        {
            index = TorchSharpWeightsFile.ReadIndex(stream, scanValues: true);
        }
        catch (InvalidDataException ex)
        {
            throw new ModelFileException(path, "not a valid TorchSharp weights file: " + ex.Message, ex);
        }

        CheckCompatible(index.Entries, path, string.Empty, CurrentState());
        RefusePoisoned(index, path, string.Empty);
        stream.Position = 0;
        try
        {
            _network.load(stream, strict: true);
            if (_compute is not null) _compute.Stale = true;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IOException)
        {
            throw new ModelFileException(path, "TorchSharp could not load the weights: " + ex.Message, ex);
        }
    }

    /// <summary>Name, shape and type of every tensor of the built network.</summary>
    private List<(string Name, long[] Shape, ScalarType DataType)> CurrentState() =>
        _network.state_dict().Select(kv => (kv.Key, kv.Value.shape, kv.Value.dtype)).ToList();

    /// <summary>
    /// Checks the tensors listed in a weights file against the expected ones (names, shapes, types), naming the first
    /// difference; <paramref name="prefix"/> names the zip entry in whole-model files.
    /// </summary>
    private static void CheckCompatible(IReadOnlyList<WeightEntry> entries, string path, string prefix, IReadOnlyList<(string Name, long[] Shape, ScalarType DataType)> expected)
    {
        var inFile = new Dictionary<string, WeightEntry>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (!inFile.TryAdd(entry.Name, entry)) throw new ModelFileException(path, $"{prefix}tensor '{entry.Name}' appears twice.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, shape, type) in expected)
        {
            names.Add(name);
            string modelShape = "(" + string.Join(", ", shape) + ")";
            if (!inFile.TryGetValue(name, out var entry))
                throw new ModelFileException(path, $"{prefix}the file lacks tensor '{name}' {modelShape} that this model needs: it was saved from another architecture.");
            if (!entry.Shape.SequenceEqual(shape))
                throw new ModelFileException(path, $"{prefix}tensor '{name}' has shape {entry.ShapeText} in the file but {modelShape} in this model: the weights belong to another architecture.");
            if (entry.DataType != type)
                throw new ModelFileException(path, $"{prefix}tensor '{name}' is {entry.DataType} in the file but {type} in this model.");
        }

        var unexpected = entries.FirstOrDefault(e => !names.Contains(e.Name));
        if (unexpected is not null)
            throw new ModelFileException(path, $"{prefix}the file has tensor '{unexpected.Name}' {unexpected.ShapeText} that this model does not: it was saved from another architecture.");
    }

    private static void RefusePoisoned(WeightsIndex index, string path, string prefix)
    {
        if (index.FirstBadValue is { } bad)
            throw new ModelFileException(path, $"{prefix}{bad.Describe()}: the weights are poisoned or corrupt, so the model is not loaded.");
    }

    /// <summary>The first floating-point tensor of the network that holds NaN or an infinity (or a negative moving variance), or <see langword="null"/>.</summary>
    private string? FirstNonFiniteTensor()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var (name, tensor) in _network.state_dict())
        {
            if (!tensor.is_floating_point()) continue;
            if (!isfinite(tensor).all().item<bool>()) return name;
            if (name.EndsWith("running_var", StringComparison.Ordinal) && tensor.lt(0).any().item<bool>()) return name;
        }

        return null;
    }

    /// <summary>
    /// Writes a whole-model file: a zip with <c>model.json</c> (format version, input shape, every layer's configuration
    /// including the normaliser's statistics) and <c>weights.bin</c>. Atomic. <see cref="Load"/> restores a model that
    /// predicts exactly like this one. Models with Lambda or module layers cannot be saved this way (use
    /// <see cref="SaveWeights"/>); custom layer classes can, when they override <see cref="Layer.GetConfig"/> (and
    /// <see cref="Layer.ExpectedState"/>, to be loadable with a <see cref="CustomLayers"/> registration).
    /// </summary>
    /// <exception cref="NotSupportedException">A layer has no configuration, a custom layer uses a built-in type name, or a configuration uses the reserved key <c>type</c> or <c>name</c>.</exception>
    public void Save(string path)
    {
        ThrowIfDisposed();
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var architecture = new JsonObject
        {
            ["format"] = ModelFileFormat,
            ["formatVersion"] = ModelFileVersion,
            ["inputShape"] = new JsonArray(InputShape.Dimensions.Select(d => (JsonNode?)d).ToArray()),
            ["epochsTrained"] = EpochsTrained,
            ["classNames"] = new JsonArray(_classNames.Select(n => (JsonNode?)n).ToArray()),
            ["layers"] = new JsonArray(Layers.Select(l => (JsonNode?)LayerSerializer.ToJson(l)).ToArray()),
        };
        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            using (var entry = zip.CreateEntry(ArchitectureEntry).Open())
            {
                JsonSerializer.Serialize(entry, architecture, new JsonSerializerOptions { WriteIndented = true });
            }

            using (var entry = zip.CreateEntry(WeightsEntry, CompressionLevel.Fastest).Open())
            using (var writer = new BinaryWriter(entry, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                _network.save(writer);
            }
        });
    }

    /// <summary>
    /// Room for the headers of a weights file whose tensor names differ from the architecture's, so that such a file is
    /// still reported by tensor name rather than by size.
    /// </summary>
    private const long WeightsHeaderSlack = 64 * 1024;

    /// <summary>
    /// Loads a whole-model file written by <see cref="Save"/>. Nothing in the file is trusted: <c>model.json</c> is read
    /// within <see cref="ModelLoadLimits.MaxArchitectureBytes"/> and <see cref="ModelLoadLimits.MaxJsonDepth"/>; the
    /// stored layers are checked against <see cref="ModelLoadLimits.MaxLayers"/>,
    /// <see cref="ModelLoadLimits.MaxParameters"/> and <see cref="ModelLoadLimits.MaxActivationElements"/> with checked
    /// arithmetic; <c>weights.bin</c> is inflated to at most the size the architecture implies, its CRC-32 and declared
    /// size are verified, its tensor shapes are compared with the architecture's and every value is checked for NaN and
    /// infinities (moving variances also for negative values) — all before the network is built.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Seed, device and precision of the loaded model (copied and validated; default CPU, float32, a fresh seed reported as <see cref="Seed"/>).</param>
    /// <param name="limits">Resource limits (default <c>new ModelLoadLimits()</c>); raise them to load a larger model you trust.</param>
    /// <param name="customLayers">
    /// Factories for the custom layer types the file may name (default <see cref="CustomLayers.Empty"/>). Custom layers
    /// are subject to the same limits: their <see cref="Layer.ExpectedState"/> is checked before the network is built.
    /// </param>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="ModelFileException">
    /// The file is not a model file, has another format version, is corrupt, exceeds a limit (the message names the entry
    /// and the limit), holds NaN or infinite weights (the message names the tensor), or names a layer type that is neither
    /// built in nor in <paramref name="customLayers"/> (the message names the type and how to register it).
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">A limit is not positive.</exception>
    public static SequentialModel Load(string path, ModelOptions? options = null, ModelLoadLimits? limits = null, CustomLayers? customLayers = null)
    {
        customLayers ??= CustomLayers.Empty;
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        limits = limits?.Clone() ?? new ModelLoadLimits();
        limits.Validate();
        if (!File.Exists(path)) throw new FileNotFoundException($"Model file not found: {path}", path);
        try
        {
            using var zip = ZipFile.OpenRead(path);
            foreach (var name in (string[])[ArchitectureEntry, WeightsEntry])
            {
                if (zip.Entries.Count(e => e.FullName == name) > 1)
                    throw new ModelFileException(path, $"the archive holds more than one '{name}' entry: it was not written by SequentialModel.Save, and different readers would see different models.");
            }

            var archEntry = zip.GetEntry(ArchitectureEntry) ?? throw new ModelFileException(path, $"'{ArchitectureEntry}' is missing: not a model file written by SequentialModel.Save.");
            var weightsEntry = zip.GetEntry(WeightsEntry) ?? throw new ModelFileException(path, $"'{WeightsEntry}' is missing.");
            var architecture = ReadArchitecture(archEntry, path, limits);
            var (builder, epochsTrained) = ParseArchitecture(architecture, path, limits, customLayers);

            // Everything below up to Build works on the layer list and the weights' index: no tensor exists yet.
            if (builder.InputShape.ElementCount > limits.MaxActivationElements) throw ActivationLimit(path, $"the input {builder.InputShape} has {builder.InputShape.ElementCount:N0}", limits);
            var plan = builder.Plan((_, name, layer, output) =>
            {
                if (output.ElementCount > limits.MaxActivationElements)
                    throw ActivationLimit(path, $"layer '{name}' ({layer.TypeName}) outputs {output} = {output.ElementCount:N0}", limits);
            });
            CheckLimits(plan, path, limits);
            var expected = plan.ExpectedState().Select(t => (t.Name, t.Shape, t.DataType)).ToList();
            long weightsLimit = checked(TorchSharpWeightsFile.ExactSize(expected.Select(t => (t.Name, t.DataType, t.Shape))) + WeightsHeaderSlack);
            WeightsIndex index;
            using (var weights = OpenWeights(weightsEntry, weightsLimit, path))
            {
                index = ReadWeightsIndex(weights, path);
            }

            string prefix = WeightsEntry + ": ";
            CheckCompatible(index.Entries, path, prefix, expected);
            RefusePoisoned(index, path, prefix);

            SequentialModel model;
            try
            {
                model = builder.Build(options);
            }
            catch (ExternalException ex)
            {
                throw new ModelFileException(path, "LibTorch could not create the stored network (out of memory?): " + ex.Message, ex);
            }

            try
            {
                // The plan and the built modules must agree; a difference would be a bug, but it must not load garbage.
                CheckCompatible(index.Entries, path, prefix, model.CurrentState());
                using (var weights = OpenWeights(weightsEntry, weightsLimit, path))
                {
                    try
                    {
                        using (var reader = new BinaryReader(weights, System.Text.Encoding.UTF8, leaveOpen: true))
                        {
                            model._network.load(reader, strict: true);
                        }

                        weights.VerifyToEnd();
                    }
                    catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IOException or NotImplementedException)
                    {
                        throw new ModelFileException(path, $"{prefix}TorchSharp could not load the weights: {ex.Message}", ex);
                    }
                }

                if (model.FirstNonFiniteTensor() is { } poisoned)
                    throw new ModelFileException(path, $"{prefix}tensor '{poisoned}' holds NaN, an infinity or a negative variance after loading: the weights are poisoned or corrupt, so the model is not loaded.");
                if (model._compute is not null) model._compute.Stale = true;
                model.EpochsTrained = epochsTrained;
                return model;
            }
            catch
            {
                model.Dispose();
                throw;
            }
        }
        catch (InvalidDataException ex)
        {
            throw new ModelFileException(path, "not a valid model file (corrupt zip): " + ex.Message, ex);
        }
        catch (JsonException ex)
        {
            throw new ModelFileException(path, "model.json is not valid JSON: " + ex.Message, ex);
        }
        catch (ModelBuildException ex)
        {
            throw new ModelFileException(path, "the stored architecture cannot be built: " + ex.Message, ex);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException or OverflowException or NotSupportedException)
        {
            throw new ModelFileException(path, "model.json holds an invalid value: " + ex.Message, ex);
        }
        catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new ModelFileException(path, "the file cannot be read (truncated or corrupt?): " + ex.Message, ex);
        }
    }

    /// <summary>Reads <c>model.json</c> within the length and depth limits.</summary>
    private static JsonObject ReadArchitecture(ZipArchiveEntry entry, string path, ModelLoadLimits limits)
    {
        byte[] bytes;
        try
        {
            using var stream = new BoundedEntryStream(entry, limits.MaxArchitectureBytes);
            bytes = stream.ReadAll();
        }
        catch (EntryTooLargeException ex)
        {
            throw new ModelFileException(path, $"{ex.Message} (ModelLoadLimits.MaxArchitectureBytes): the architecture of a model file takes a few kilobytes.", ex);
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { MaxDepth = limits.MaxJsonDepth });
        }
        catch (JsonException ex)
        {
            throw new ModelFileException(path, $"{ArchitectureEntry} is not valid JSON within the nesting limit of {limits.MaxJsonDepth} levels (ModelLoadLimits.MaxJsonDepth): {ex.Message}", ex);
        }

        return node as JsonObject ?? throw new ModelFileException(path, $"{ArchitectureEntry} is not a JSON object.");
    }

    /// <summary>The builder and training state described by <c>model.json</c> (no tensor is created).</summary>
    private static (SequentialBuilder Builder, int EpochsTrained) ParseArchitecture(JsonObject architecture, string path, ModelLoadLimits limits, CustomLayers customLayers)
    {
        const string where = ArchitectureEntry;
        var formatNode = ModelJson.Node(architecture, "format", path, where);
        string? format = formatNode is JsonValue v && v.TryGetValue<string>(out var f) ? f : null;
        if (format != ModelFileFormat)
            throw new ModelFileException(path, $"model.json has format '{ModelJson.Excerpt(formatNode)}', expected '{ModelFileFormat}'.");
        int version = ModelJson.GetOptional<int>(architecture, "formatVersion", path, where) ?? -1;
        if (version != ModelFileVersion)
            throw new ModelFileException(path, $"format version {version} is not supported (this library reads version {ModelFileVersion}).");

        var inputNode = ModelJson.Node(architecture, "inputShape", path, where);
        if (inputNode is not JsonArray inputArray) throw new ModelFileException(path, "model.json lacks inputShape (an array of dimensions).");
        var input = new int[inputArray.Count];
        for (int i = 0; i < input.Length; i++)
            input[i] = ModelJson.As<int>(inputArray[i] ?? throw new ModelFileException(path, "inputShape holds null."), "inputShape", path, where);
        TensorShape inputShape;
        try
        {
            inputShape = new TensorShape(input);
        }
        catch (ArgumentException ex)
        {
            throw new ModelFileException(path, "inputShape is invalid: " + ex.Message, ex);
        }

        int epochsTrained = ModelJson.GetOptional<int>(architecture, "epochsTrained", path, where) ?? 0;
        if (epochsTrained < 0) throw new ModelFileException(path, $"epochsTrained is negative ({epochsTrained}).");
        if (ModelJson.Node(architecture, "layers", path, where) is not JsonArray layers) throw new ModelFileException(path, "model.json lacks layers.");
        if (layers.Count > limits.MaxLayers)
            throw new ModelFileException(path, $"model.json lists {layers.Count:N0} layers, more than the limit of {limits.MaxLayers:N0} (ModelLoadLimits.MaxLayers).");
        var builder = new SequentialBuilder(inputShape);
        foreach (var layer in layers)
        {
            builder.Add(LayerSerializer.FromJson(layer as JsonObject ?? throw new ModelFileException(path, "a layer entry is not an object."), path, customLayers));
        }

        if (ReadClassNames(architecture, path) is { } classNames) builder.WithClassNames(classNames);

        return (builder, epochsTrained);
    }

    /// <summary>The optional <c>classNames</c> array (older files lack it: default names), bounded and validated.</summary>
    private static string[]? ReadClassNames(JsonObject architecture, string path)
    {
        var node = ModelJson.Node(architecture, "classNames", path, ArchitectureEntry);
        if (node is null) return null;
        if (node is not JsonArray array) throw new ModelFileException(path, "classNames is not an array of strings.");
        if (array.Count == 0) return null;
        var names = new string[array.Count];
        for (int i = 0; i < names.Length; i++)
            names[i] = ModelJson.As<string>(array[i] ?? throw new ModelFileException(path, "classNames holds null."), "classNames", path, ArchitectureEntry);
        if (SequentialBuilder.ClassNamesProblem(names) is { } problem) throw new ModelFileException(path, "classNames is invalid: " + problem);
        return names;
    }

    /// <summary>Refuses an architecture that stores too many values or whose samples would occupy too many values.</summary>
    private static void CheckLimits(ModelPlan plan, string path, ModelLoadLimits limits)
    {
        if (plan.Layers.FirstOrDefault(l => l.State is null) is { } unknown)
            throw new ModelFileException(path, $"layer '{unknown.Name}' ({unknown.Layer.TypeName}) cannot describe its weights before the network is built: its class must override Layer.ExpectedState to be loaded from a model file.");
        if (plan.StateElements > limits.MaxParameters)
        {
            var largest = plan.Layers.MaxBy(l => l.StateElements)!;
            throw new ModelFileException(path,
                $"the architecture stores {plan.StateElements:N0} values (parameters and batch-norm statistics; layer '{largest.Name}' alone {largest.StateElements:N0}), more than the limit of {limits.MaxParameters:N0} (ModelLoadLimits.MaxParameters). Pass a higher limit to Load only for a file you trust.");
        }

        if (plan.PeakActivationElements > limits.MaxActivationElements)
        {
            var layer = plan.Layers.First(l => l.PeakElements > limits.MaxActivationElements);
            throw ActivationLimit(path, $"layer '{layer.Name}' ({layer.Layer.TypeName}, output {layer.Output}) works on {layer.PeakElements:N0}", limits);
        }
    }

    private static ModelFileException ActivationLimit(string path, string where, ModelLoadLimits limits) =>
        new(path, $"one sample would occupy too many values inside the network: {where} values, more than the limit of {limits.MaxActivationElements:N0} per sample (ModelLoadLimits.MaxActivationElements). Pass a higher limit to Load only for a file you trust.");

    private static BoundedEntryStream OpenWeights(ZipArchiveEntry entry, long limit, string path)
    {
        try
        {
            return new BoundedEntryStream(entry, limit);
        }
        catch (EntryTooLargeException ex)
        {
            throw new ModelFileException(path, $"{ex.Message}, the exact size its architecture implies plus {WeightsHeaderSlack:N0} bytes for headers: the weights do not belong to this architecture or the entry is a decompression bomb.", ex);
        }
    }

    private static WeightsIndex ReadWeightsIndex(BoundedEntryStream weights, string path)
    {
        try
        {
            var index = TorchSharpWeightsFile.ReadIndex(weights, scanValues: true);
            weights.VerifyToEnd();
            return index;
        }
        catch (EntryTooLargeException ex)
        {
            throw new ModelFileException(path, $"{ex.Message}, the exact size its architecture implies plus {WeightsHeaderSlack:N0} bytes for headers: the entry is corrupt or a decompression bomb.", ex);
        }
        catch (InvalidDataException ex)
        {
            throw new ModelFileException(path, $"{WeightsEntry} is not a valid TorchSharp weights file: {ex.Message}", ex);
        }
    }
}
