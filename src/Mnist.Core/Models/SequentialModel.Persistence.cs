using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mnist.Models.Persistence;
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
    /// architecture first; nothing is changed when it does not match.
    /// </summary>
    /// <exception cref="ModelFileException">The file is corrupt or truncated, or names the first tensor that is missing, unexpected, or has another shape (both shapes given).</exception>
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
        IReadOnlyList<WeightEntry> entries;
        try
        {
            entries = TorchSharpWeightsFile.ReadEntries(stream);
        }
        catch (InvalidDataException ex)
        {
            throw new ModelFileException(path, "not a valid TorchSharp weights file: " + ex.Message, ex);
        }

        CheckCompatible(entries, path);
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

    private void CheckCompatible(IReadOnlyList<WeightEntry> entries, string path)
    {
        var inFile = new Dictionary<string, WeightEntry>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (!inFile.TryAdd(entry.Name, entry)) throw new ModelFileException(path, $"tensor '{entry.Name}' appears twice.");
        }

        var expected = _network.state_dict();
        foreach (var (name, tensor) in expected)
        {
            string modelShape = "(" + string.Join(", ", tensor.shape) + ")";
            if (!inFile.TryGetValue(name, out var entry))
                throw new ModelFileException(path, $"the file lacks tensor '{name}' {modelShape} that this model needs: it was saved from another architecture.");
            if (!entry.Shape.SequenceEqual(tensor.shape))
                throw new ModelFileException(path, $"tensor '{name}' has shape {entry.ShapeText} in the file but {modelShape} in this model: the weights belong to another architecture.");
            if (entry.DataType != tensor.dtype)
                throw new ModelFileException(path, $"tensor '{name}' is {entry.DataType} in the file but {tensor.dtype} in this model.");
        }

        var unexpected = entries.FirstOrDefault(e => !expected.ContainsKey(e.Name));
        if (unexpected is not null)
            throw new ModelFileException(path, $"the file has tensor '{unexpected.Name}' {unexpected.ShapeText} that this model does not: it was saved from another architecture.");
    }

    /// <summary>
    /// Writes a whole-model file: a zip with <c>model.json</c> (format version, input shape, every layer's configuration
    /// including the normaliser's statistics) and <c>weights.bin</c>. Atomic. <see cref="Load"/> restores a model that
    /// predicts exactly like this one. Models with Lambda or custom-module layers cannot be saved this way (use
    /// <see cref="SaveWeights"/>).
    /// </summary>
    /// <exception cref="NotSupportedException">A layer holds code.</exception>
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

    /// <summary>Loads a whole-model file written by <see cref="Save"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Device and seed for the loaded model (default CPU, unseeded).</param>
    /// <exception cref="ModelFileException">The file is not a model file, has another format version, or is corrupt; the message says what.</exception>
    public static SequentialModel Load(string path, ModelOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Model file not found: {path}", path);
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var archEntry = zip.GetEntry(ArchitectureEntry) ?? throw new ModelFileException(path, $"'{ArchitectureEntry}' is missing: not a model file written by SequentialModel.Save.");
            var weightsEntry = zip.GetEntry(WeightsEntry) ?? throw new ModelFileException(path, $"'{WeightsEntry}' is missing.");
            JsonObject architecture;
            using (var s = archEntry.Open())
            {
                architecture = JsonNode.Parse(s) as JsonObject ?? throw new ModelFileException(path, "model.json is not a JSON object.");
            }

            if (architecture["format"]?.GetValue<string>() != ModelFileFormat)
                throw new ModelFileException(path, $"model.json has format '{architecture["format"]}', expected '{ModelFileFormat}'.");
            int version = architecture["formatVersion"]?.GetValue<int>() ?? -1;
            if (version != ModelFileVersion)
                throw new ModelFileException(path, $"format version {version} is not supported (this library reads version {ModelFileVersion}).");
            var input = (architecture["inputShape"] as JsonArray)?.Select(n => n?.GetValue<int>() ?? throw new ModelFileException(path, "inputShape holds null.")).ToArray()
                        ?? throw new ModelFileException(path, "model.json lacks inputShape.");
            int epochsTrained = architecture["epochsTrained"]?.GetValue<int>() ?? 0;
            if (epochsTrained < 0) throw new ModelFileException(path, $"epochsTrained is negative ({epochsTrained}).");
            var layers = architecture["layers"] as JsonArray ?? throw new ModelFileException(path, "model.json lacks layers.");
            var builder = new SequentialBuilder(new TensorShape(input));
            foreach (var layer in layers)
            {
                builder.Add(LayerSerializer.FromJson(layer as JsonObject ?? throw new ModelFileException(path, "a layer entry is not an object."), path));
            }

            var model = builder.Build(options);
            try
            {
                using var weights = new MemoryStream();
                using (var s = weightsEntry.Open()) s.CopyTo(weights);
                weights.Position = 0;
                model.LoadWeights(weights, path + "!" + WeightsEntry);
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
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException)
        {
            throw new ModelFileException(path, "model.json holds an invalid value: " + ex.Message, ex);
        }
    }
}
