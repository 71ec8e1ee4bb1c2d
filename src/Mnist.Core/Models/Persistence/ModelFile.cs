using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Mnist.Models;

/// <summary>
/// The whole-model file (<c>.mnistmodel</c>): a zip with <c>model.json</c> (format version, input shape, epochs trained,
/// class names and every layer's configuration, including the normaliser's statistics) and <c>weights.bin</c> (every
/// parameter and buffer in TorchSharp's format). <see cref="SequentialModel.Save"/> and <see cref="SequentialModel.Load"/>
/// are the usual entry points; this class adds streams and reading the header without building the model. Nothing in a
/// file is trusted when it is read: see <see cref="Load(string, ModelOptions?, ModelLoadLimits?, CustomLayers?)"/>.
/// </summary>
public static class ModelFile
{
    /// <summary>The <c>format</c> value of whole-model files.</summary>
    public const string Format = "mnist-sequential-model";

    /// <summary>The version of whole-model files this library writes and reads.</summary>
    public const int FormatVersion = 1;

    private const string ArchitectureEntry = "model.json";
    private const string WeightsEntry = "weights.bin";

    /// <summary>
    /// Room for the headers of a weights file whose tensor names differ from the architecture's, so that such a file is
    /// still reported by tensor name rather than by size.
    /// </summary>
    private const long WeightsHeaderSlack = 64 * 1024;

    /// <summary>Limits for reading back the <c>model.json</c> this library has just written (trusted).</summary>
    private static readonly ModelLoadLimits OwnLimits = new() { MaxArchitectureBytes = Array.MaxLength, MaxJsonDepth = 1000, MaxLayers = int.MaxValue };

    /// <summary>How <c>model.json</c> is written.</summary>
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>
    /// Writes <paramref name="model"/> as a whole-model file at <paramref name="path"/>. Atomic: the file is written next to
    /// the target and renamed over it, so a crash leaves a previous file intact. <see cref="Load(string, ModelOptions?, ModelLoadLimits?, CustomLayers?)"/>
    /// restores a model that predicts exactly like this one. Models with Lambda or module layers cannot be saved this way
    /// (use <see cref="SequentialModel.SaveWeights"/>); custom layer classes can, when they override
    /// <see cref="Layer.GetConfig"/> (and <see cref="Layer.ExpectedState"/>, to be loadable with a <see cref="CustomLayers"/> registration).
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="path">The file; its folder is created when missing.</param>
    /// <returns>The header of the written file, as <see cref="ReadHeader(string, ModelLoadLimits?)"/> would read it back.</returns>
    /// <exception cref="NotSupportedException">A layer has no configuration, a custom layer uses a built-in type name, or a configuration uses the reserved key <c>type</c> or <c>name</c>.</exception>
    /// <exception cref="ObjectDisposedException">The model is disposed.</exception>
    public static ModelFileHeader Save(SequentialModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        _ = model.Network; // ObjectDisposedException before anything else
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var architecture = ArchitectureJson(model);
        AtomicFile.Write(path, stream => WriteArchive(model, architecture, stream));
        return HeaderOf(architecture, path);
    }

    /// <summary>
    /// Writes <paramref name="model"/> as a whole-model file to <paramref name="stream"/> (from its current position;
    /// left open). On a seekable stream the bytes equal those <see cref="Save(SequentialModel, string)"/> writes to a file;
    /// on a forward-only stream the zip records sizes and checksums after each entry, which the reader accepts too.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="stream">A writable stream.</param>
    /// <returns>The header of the written file.</returns>
    /// <exception cref="ArgumentException">The stream is not writable.</exception>
    /// <exception cref="NotSupportedException">A layer cannot be stored (see <see cref="Save(SequentialModel, string)"/>).</exception>
    /// <exception cref="ObjectDisposedException">The model is disposed.</exception>
    public static ModelFileHeader Save(SequentialModel model, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(model);
        _ = model.Network;
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite) throw new ArgumentException("The stream is not writable.", nameof(stream));
        var architecture = ArchitectureJson(model);
        WriteArchive(model, architecture, stream);
        return HeaderOf(architecture, "(stream)");
    }

    /// <summary>
    /// Loads a whole-model file written by <see cref="Save(SequentialModel, string)"/>. Nothing in the file is trusted:
    /// <c>model.json</c> is read within <see cref="ModelLoadLimits.MaxArchitectureBytes"/> and
    /// <see cref="ModelLoadLimits.MaxJsonDepth"/>; the stored layers are checked against <see cref="ModelLoadLimits.MaxLayers"/>,
    /// <see cref="ModelLoadLimits.MaxParameters"/> and <see cref="ModelLoadLimits.MaxActivationElements"/> with checked
    /// arithmetic; <c>weights.bin</c> is inflated to at most the size the architecture implies, its CRC-32 and declared
    /// size are verified, its tensor shapes are compared with the architecture's and every value is checked for NaN and
    /// infinities (moving variances also for negative values) — all before the network is built.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Seed, device and precision of the loaded model (copied and validated; default CPU, float32, a fresh seed reported as <see cref="SequentialModel.Seed"/>).</param>
    /// <param name="limits">Resource limits (default <c>new ModelLoadLimits()</c>); raise them to load a larger model you trust.</param>
    /// <param name="customLayers">
    /// Factories for the custom layer types the file may name (default <see cref="CustomLayers.Empty"/>). Custom layers
    /// are subject to the same limits: their <see cref="Layer.ExpectedState"/> is checked before the network is built.
    /// </param>
    /// <returns>The model, uncompiled, with the stored <see cref="SequentialModel.EpochsTrained"/>.</returns>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="ModelFileException">
    /// The file is not a model file, has another format version, is corrupt, exceeds a limit (the message names the entry
    /// and the limit), holds NaN or infinite weights (the message names the tensor), or names a layer type that is neither
    /// built in nor in <paramref name="customLayers"/> (the message names the type and how to register it).
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">A limit is not positive.</exception>
    public static SequentialModel Load(string path, ModelOptions? options = null, ModelLoadLimits? limits = null, CustomLayers? customLayers = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        limits = ValidatedCopy(limits);
        if (!File.Exists(path)) throw new FileNotFoundException($"Model file not found: {path}", path);
        return Translated(path, () =>
        {
            using var zip = ZipFile.OpenRead(path);
            return ReadModel(zip, path, options, limits, customLayers ?? CustomLayers.Empty);
        });
    }

    /// <summary>
    /// Loads a whole-model file from a stream (e.g. a member file an ensemble has opened and hashed), with every check of
    /// <see cref="Load(string, ModelOptions?, ModelLoadLimits?, CustomLayers?)"/>. The archive must span the whole stream;
    /// the stream is left open.
    /// </summary>
    /// <param name="stream">A readable, seekable stream (a zip is read from its end); copy other streams into a file or a <see cref="MemoryStream"/> first.</param>
    /// <param name="displayPath">The name of the file in messages and in <see cref="ModelFileException.Path"/>.</param>
    /// <param name="options">Seed, device and precision of the loaded model (copied and validated; default CPU, float32, a fresh seed reported as <see cref="SequentialModel.Seed"/>).</param>
    /// <param name="limits">Resource limits (default <c>new ModelLoadLimits()</c>).</param>
    /// <param name="customLayers">Factories for the custom layer types the file may name (default <see cref="CustomLayers.Empty"/>).</param>
    /// <returns>The model, uncompiled, with the stored <see cref="SequentialModel.EpochsTrained"/>.</returns>
    /// <exception cref="ArgumentException">The stream is not readable or not seekable.</exception>
    /// <exception cref="ModelFileException">The stream does not hold a valid model file, or one beyond a limit (see the path overload).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A limit is not positive.</exception>
    public static SequentialModel Load(Stream stream, string displayPath, ModelOptions? options = null, ModelLoadLimits? limits = null, CustomLayers? customLayers = null)
    {
        CheckReadable(stream, displayPath);
        limits = ValidatedCopy(limits);
        return Translated(displayPath, () =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            return ReadModel(zip, displayPath, options, limits, customLayers ?? CustomLayers.Empty);
        });
    }

    /// <summary>
    /// Reads only <c>model.json</c> of a whole-model file — format and version, input shape, epochs trained, class names
    /// and the stored layers, within <see cref="ModelLoadLimits.MaxArchitectureBytes"/>, <see cref="ModelLoadLimits.MaxJsonDepth"/>
    /// and <see cref="ModelLoadLimits.MaxLayers"/> — without building the network or reading the weights. The layers'
    /// settings and the weights are checked by <c>Load</c>.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="limits">Resource limits (default <c>new ModelLoadLimits()</c>).</param>
    /// <returns>The header.</returns>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="ModelFileException">The file is not a model file of this version, is corrupt, or <c>model.json</c> exceeds a limit.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A limit is not positive.</exception>
    public static ModelFileHeader ReadHeader(string path, ModelLoadLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        limits = ValidatedCopy(limits);
        if (!File.Exists(path)) throw new FileNotFoundException($"Model file not found: {path}", path);
        return Translated(path, () =>
        {
            using var zip = ZipFile.OpenRead(path);
            return ParseHeader(ReadArchitecture(ArchitectureEntryOf(zip, path), path, limits), path, limits);
        });
    }

    /// <summary>Reads only <c>model.json</c> of a whole-model file held by a stream, as <see cref="ReadHeader(string, ModelLoadLimits?)"/> does; the stream is left open.</summary>
    /// <param name="stream">A readable, seekable stream holding the whole archive.</param>
    /// <param name="displayPath">The name of the file in messages and in <see cref="ModelFileException.Path"/>.</param>
    /// <param name="limits">Resource limits (default <c>new ModelLoadLimits()</c>).</param>
    /// <returns>The header.</returns>
    /// <exception cref="ArgumentException">The stream is not readable or not seekable.</exception>
    /// <exception cref="ModelFileException">The stream does not hold a model file of this version, is corrupt, or <c>model.json</c> exceeds a limit.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A limit is not positive.</exception>
    public static ModelFileHeader ReadHeader(Stream stream, string displayPath, ModelLoadLimits? limits = null)
    {
        CheckReadable(stream, displayPath);
        limits = ValidatedCopy(limits);
        return Translated(displayPath, () =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            return ParseHeader(ReadArchitecture(ArchitectureEntryOf(zip, displayPath), displayPath, limits), displayPath, limits);
        });
    }

    private static void CheckReadable(Stream stream, string displayPath)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrWhiteSpace(displayPath);
        if (!stream.CanRead || !stream.CanSeek)
            throw new ArgumentException("The stream must be readable and seekable (a zip is read from its end); copy it into a file or a MemoryStream first.", nameof(stream));
    }

    private static ModelLoadLimits ValidatedCopy(ModelLoadLimits? limits)
    {
        var copy = limits?.Clone() ?? new ModelLoadLimits();
        copy.Validate();
        return copy;
    }

    /// <summary>
    /// The <see cref="ModelFileHeader.ArchitectureSha256"/> that a file of <paramref name="model"/> would have, without
    /// writing it: equal for equal input shapes, layers and settings (the normaliser's statistics included), whatever the
    /// weights. Ensemble manifests and ONNX exports record it.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <exception cref="NotSupportedException">A layer has no configuration (a Lambda or module layer) and so no stored architecture.</exception>
    public static string ComputeArchitectureSha256(SequentialModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var json = ArchitectureJson(model);
        return ModelFileHeader.HashArchitecture(json["inputShape"]!, (JsonArray)json["layers"]!);
    }

    /// <summary>The content of <c>model.json</c> for <paramref name="model"/>.</summary>
    /// <exception cref="NotSupportedException">A layer cannot be stored.</exception>
    private static JsonObject ArchitectureJson(SequentialModel model) => new()
    {
        ["format"] = Format,
        ["formatVersion"] = FormatVersion,
        ["inputShape"] = new JsonArray(model.InputShape.Dimensions.Select(d => (JsonNode?)d).ToArray()),
        ["epochsTrained"] = model.EpochsTrained,
        ["classNames"] = new JsonArray(model.ClassNames.Select(n => (JsonNode?)n).ToArray()),
        ["layers"] = new JsonArray(model.Layers.Select(l => (JsonNode?)LayerSerializer.ToJson(l)).ToArray()),
    };

    private static void WriteArchive(SequentialModel model, JsonObject architecture, Stream stream)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        using (var entry = zip.CreateEntry(ArchitectureEntry).Open())
        {
            JsonSerializer.Serialize(entry, architecture, Indented);
        }

        using (var entry = zip.CreateEntry(WeightsEntry, CompressionLevel.Fastest).Open())
        using (var writer = new BinaryWriter(entry, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            model.Network.save(writer);
        }
    }

    /// <summary>The header of the <c>model.json</c> just written: its text parsed back, as a reader of the file sees it.</summary>
    private static ModelFileHeader HeaderOf(JsonObject architecture, string path)
    {
        byte[] text = JsonSerializer.SerializeToUtf8Bytes(architecture, Indented);
        var json = (JsonObject)JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = OwnLimits.MaxJsonDepth })!;
        return ParseHeader(json, path, OwnLimits);
    }

    /// <summary>Turns what a damaged or hostile file makes the readers throw into <see cref="ModelFileException"/>.</summary>
    private static T Translated<T>(string path, Func<T> read)
    {
        try
        {
            return read();
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

    /// <summary>The <c>model.json</c> entry, refusing archives with repeated entries.</summary>
    private static ZipArchiveEntry ArchitectureEntryOf(ZipArchive zip, string path)
    {
        foreach (var name in (string[])[ArchitectureEntry, WeightsEntry])
        {
            if (zip.Entries.Count(e => e.FullName == name) > 1)
                throw new ModelFileException(path, $"the archive holds more than one '{name}' entry: it was not written by SequentialModel.Save, and different readers would see different models.");
        }

        return zip.GetEntry(ArchitectureEntry) ?? throw new ModelFileException(path, $"'{ArchitectureEntry}' is missing: not a model file written by SequentialModel.Save.");
    }

    private static SequentialModel ReadModel(ZipArchive zip, string path, ModelOptions? options, ModelLoadLimits limits, CustomLayers customLayers)
    {
        var archEntry = ArchitectureEntryOf(zip, path);
        var weightsEntry = zip.GetEntry(WeightsEntry) ?? throw new ModelFileException(path, $"'{WeightsEntry}' is missing.");
        var architecture = ReadArchitecture(archEntry, path, limits);
        var header = ParseHeader(architecture, path, limits);
        var builder = BuilderOf(architecture, header, path, customLayers);

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
        WeightsFile.CheckCompatible(index.Entries, path, prefix, expected);
        WeightsFile.RefusePoisoned(index, path, prefix);

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
            WeightsFile.CheckCompatible(index.Entries, path, prefix, WeightsFile.StateOf(model));
            using (var weights = OpenWeights(weightsEntry, weightsLimit, path))
            {
                try
                {
                    using (var reader = new BinaryReader(weights, System.Text.Encoding.UTF8, leaveOpen: true))
                    {
                        model.Network.load(reader, strict: true);
                    }

                    weights.VerifyToEnd();
                }
                catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IOException or NotImplementedException)
                {
                    throw new ModelFileException(path, $"{prefix}TorchSharp could not load the weights: {ex.Message}", ex);
                }
            }

            if (FirstNonFiniteTensor(model) is { } poisoned)
                throw new ModelFileException(path, $"{prefix}tensor '{poisoned}' holds NaN, an infinity or a negative variance after loading: the weights are poisoned or corrupt, so the model is not loaded.");
            model.OnWeightsReplaced();
            model.EpochsTrained = header.EpochsTrained;
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
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

    /// <summary>Format, version, input shape, epochs, layer list and class names of <c>model.json</c> (no layer is parsed, no tensor is created).</summary>
    private static ModelFileHeader ParseHeader(JsonObject architecture, string path, ModelLoadLimits limits)
    {
        const string where = ArchitectureEntry;
        var formatNode = ModelJson.Node(architecture, "format", path, where);
        string? format = formatNode is JsonValue v && v.TryGetValue<string>(out var f) ? f : null;
        if (format != Format)
            throw new ModelFileException(path, $"model.json has format '{ModelJson.Excerpt(formatNode)}', expected '{Format}'.");
        int version = ModelJson.GetOptional<int>(architecture, "formatVersion", path, where) ?? -1;
        if (version != FormatVersion)
            throw new ModelFileException(path, $"format version {version} is not supported (this library reads version {FormatVersion}).");

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
        return new ModelFileHeader(inputShape, inputArray, layers, epochsTrained, ReadClassNames(architecture, path));
    }

    /// <summary>The builder the stored layers describe (no tensor is created).</summary>
    private static SequentialBuilder BuilderOf(JsonObject architecture, ModelFileHeader header, string path, CustomLayers customLayers)
    {
        var builder = new SequentialBuilder(header.InputShape);
        foreach (var layer in (JsonArray)architecture["layers"]!)
        {
            builder.Add(LayerSerializer.FromJson(layer as JsonObject ?? throw new ModelFileException(path, "a layer entry is not an object."), path, customLayers));
        }

        if (header.ClassNames.Count > 0) builder.WithClassNames(header.ClassNames);
        return builder;
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

    /// <summary>The first floating-point tensor of the model that holds NaN or an infinity (or a negative moving variance), or <see langword="null"/>.</summary>
    private static string? FirstNonFiniteTensor(SequentialModel model)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var (name, tensor) in model.Network.state_dict())
        {
            if (!tensor.is_floating_point()) continue;
            if (!isfinite(tensor).all().item<bool>()) return name;
            if (name.EndsWith("running_var", StringComparison.Ordinal) && tensor.lt(0).any().item<bool>()) return name;
        }

        return null;
    }
}
