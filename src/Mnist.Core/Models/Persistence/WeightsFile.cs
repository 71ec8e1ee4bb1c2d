using static TorchSharp.torch;

namespace Mnist.Models;

/// <summary>
/// The weights-only file (Keras <c>save_weights</c>/<c>load_weights</c>): every parameter and buffer of a model in
/// TorchSharp's format, written atomically and checked against the model before it is loaded. Also the checks of a
/// TorchSharp weights index against a model's tensors, which <see cref="ModelFile"/> applies to its <c>weights.bin</c>.
/// </summary>
internal static class WeightsFile
{
    /// <summary>Writes <paramref name="model"/>'s weights to <paramref name="path"/> through a temporary sibling and a rename.</summary>
    public static void Save(SequentialModel model, string path)
    {
        var network = model.Network;
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            network.save(writer);
        });
    }

    /// <summary>Loads a file written by <see cref="Save"/> into <paramref name="model"/> after checking it; nothing changes when a check fails.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="ModelFileException">The file is corrupt, of another architecture, or holds NaN or infinite values.</exception>
    public static void Load(SequentialModel model, string path)
    {
        var network = model.Network;
        if (!File.Exists(path)) throw new FileNotFoundException($"Weights file not found: {path}", path);
        using var stream = File.OpenRead(path);
        WeightsIndex index;
        try
        {
            index = TorchSharpWeightsFile.ReadIndex(stream, scanValues: true);
        }
        catch (InvalidDataException ex)
        {
            throw new ModelFileException(path, "not a valid TorchSharp weights file: " + ex.Message, ex);
        }

        CheckCompatible(index.Entries, path, string.Empty, StateOf(model));
        RefusePoisoned(index, path, string.Empty);
        stream.Position = 0;
        try
        {
            network.load(stream, strict: true);
            model.OnWeightsReplaced();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IOException)
        {
            throw new ModelFileException(path, "TorchSharp could not load the weights: " + ex.Message, ex);
        }
    }

    /// <summary>Name, shape and type of every tensor of <paramref name="model"/>'s network.</summary>
    public static List<(string Name, long[] Shape, ScalarType DataType)> StateOf(SequentialModel model) =>
        model.Network.state_dict().Select(kv => (kv.Key, kv.Value.shape, kv.Value.dtype)).ToList();

    /// <summary>
    /// Checks the tensors listed in a weights file against the expected ones (names, shapes, types), naming the first
    /// difference; <paramref name="prefix"/> names the zip entry in whole-model files.
    /// </summary>
    /// <exception cref="ModelFileException">A tensor appears twice, is missing, unexpected, or has another shape or type.</exception>
    public static void CheckCompatible(IReadOnlyList<WeightEntry> entries, string path, string prefix, IReadOnlyList<(string Name, long[] Shape, ScalarType DataType)> expected)
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

    /// <summary>Refuses an index whose value scan found a NaN, an infinity or a negative moving variance.</summary>
    /// <exception cref="ModelFileException">The index records such a value (the tensor and element are named).</exception>
    public static void RefusePoisoned(WeightsIndex index, string path, string prefix)
    {
        if (index.FirstBadValue is { } bad)
            throw new ModelFileException(path, $"{prefix}{bad.Describe()}: the weights are poisoned or corrupt, so the model is not loaded.");
    }
}
