using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Mnist.Ensemble;
using Mnist.Models;
using Mnist.Onnx.Graph;
using Mnist.Onnx.Protobuf;

namespace Mnist.Onnx;

/// <summary>
/// Writes <see cref="SequentialModel"/>s and <see cref="ModelEnsemble"/>s as ONNX models (opset
/// <see cref="OpsetVersion"/>, IR version <see cref="IrVersion"/>), built directly from the layer descriptions and
/// the trained weights (no tracing). The graph takes float32 images (<see cref="InputName"/>, shape N × the model's
/// input shape, e.g. N × 1 × 28 × 28, on the scale the model was trained on: raw 0–255 pixels for the presets, whose
/// first layer normalises) and returns float32 class probabilities (<see cref="OutputName"/>, N × C) exactly as
/// <c>PredictProba</c> computes them: evaluation mode (dropout off, batch-norm moving statistics) and the softmax of the
/// network's output; for an ensemble, every member's subgraph and the ensemble's <see cref="ModelEnsemble.Combination"/>.
/// Models trained in bfloat16 are written with their float32 master weights. Every export is deterministic.
/// </summary>
public static class OnnxExport
{
    /// <summary>The ONNX operator set the graphs use: 17 (default domain).</summary>
    public const int OpsetVersion = 17;

    /// <summary>The ONNX IR version of the files: 8 (the version that goes with opset 17, ONNX 1.12).</summary>
    public const long IrVersion = 8;

    /// <summary>The name of the graph input: <c>images</c>.</summary>
    public const string InputName = "images";

    /// <summary>The name of the graph output: <c>probabilities</c>.</summary>
    public const string OutputName = "probabilities";

    /// <summary>The symbolic batch dimension of the input and output: <c>N</c>.</summary>
    public const string BatchDimension = "N";

    /// <summary>The informational version of this assembly, written as <c>producer_version</c> and <see cref="OnnxMetadataKeys.LibraryVersion"/>.</summary>
    public static string LibraryVersion { get; } =
        typeof(OnnxExport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(OnnxExport).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    /// <summary>ONNX files are one protobuf message, which cannot exceed 2 GiB; this leaves room for everything but the weights.</summary>
    private const long MaxInitializerBytes = int.MaxValue - 64L * 1024 * 1024;

    /// <summary>Writes the model to <paramref name="path"/> atomically (a temporary file in the same folder, then a rename).</summary>
    /// <param name="model">A built (typically trained) model.</param>
    /// <param name="path">The .onnx file; its folder is created if needed, an existing file is replaced.</param>
    /// <param name="options">Producer name, class names, extra metadata; default <c>new OnnxExportOptions()</c>.</param>
    /// <exception cref="OnnxExportException">A layer has no ONNX form (Lambda, Module, a custom layer); nothing is written.</exception>
    /// <exception cref="ArgumentException">An option is invalid, or the class names do not match the model's classes.</exception>
    /// <exception cref="InvalidOperationException">The model's output is not a class vector.</exception>
    /// <exception cref="ObjectDisposedException">The model is disposed.</exception>
    public static void ExportOnnx(this SequentialModel model, string path, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var proto = BuildModel(model, Prepare(options));
        AtomicFile.Write(path, proto.WriteTo);
    }

    /// <summary>Writes the model to <paramref name="destination"/> (which stays open), as <see cref="ExportOnnx(SequentialModel, string, OnnxExportOptions?)"/> does.</summary>
    /// <param name="model">A built (typically trained) model.</param>
    /// <param name="destination">A writable stream.</param>
    /// <param name="options">Producer name, class names, extra metadata; default <c>new OnnxExportOptions()</c>.</param>
    /// <exception cref="OnnxExportException">A layer has no ONNX form; nothing is written.</exception>
    /// <exception cref="ArgumentException">An option is invalid, the class names do not match, or the stream is not writable.</exception>
    public static void ExportOnnx(this SequentialModel model, Stream destination, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        RequireWritable(destination);
        BuildModel(model, Prepare(options)).WriteTo(destination);
    }

    /// <summary>
    /// Writes the ensemble — every member's subgraph (node and initializer names prefixed <c>member1/</c>, <c>member2/</c>, …)
    /// and the combination — to <paramref name="path"/> atomically.
    /// </summary>
    /// <param name="ensemble">An ensemble with at least one member.</param>
    /// <param name="path">The .onnx file; its folder is created if needed, an existing file is replaced.</param>
    /// <param name="options">Producer name, class names, extra metadata; default <c>new OnnxExportOptions()</c>.</param>
    /// <exception cref="OnnxExportException">A member has a layer without ONNX form (the member and layer are named); nothing is written.</exception>
    /// <exception cref="ArgumentException">An option is invalid, or the class names do not match the ensemble's classes.</exception>
    /// <exception cref="InvalidOperationException">The ensemble has no members.</exception>
    public static void ExportOnnx(this ModelEnsemble ensemble, string path, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var proto = BuildEnsemble(ensemble, Prepare(options));
        AtomicFile.Write(path, proto.WriteTo);
    }

    /// <summary>Writes the ensemble to <paramref name="destination"/> (which stays open), as <see cref="ExportOnnx(ModelEnsemble, string, OnnxExportOptions?)"/> does.</summary>
    /// <param name="ensemble">An ensemble with at least one member.</param>
    /// <param name="destination">A writable stream.</param>
    /// <param name="options">Producer name, class names, extra metadata; default <c>new OnnxExportOptions()</c>.</param>
    /// <exception cref="OnnxExportException">A member has a layer without ONNX form; nothing is written.</exception>
    /// <exception cref="ArgumentException">An option is invalid, the class names do not match, or the stream is not writable.</exception>
    /// <exception cref="InvalidOperationException">The ensemble has no members.</exception>
    public static void ExportOnnx(this ModelEnsemble ensemble, Stream destination, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        RequireWritable(destination);
        BuildEnsemble(ensemble, Prepare(options)).WriteTo(destination);
    }

    /// <summary>
    /// The ensemble's architecture hash: SHA-256 (lower-case hexadecimal) of the compact JSON
    /// <c>{"combination":…,"weights":[…],"members":["member hash", …]}</c>, with each member's
    /// <see cref="ModelFile.ComputeArchitectureSha256"/> (the hash of a single model's export) and the weights as given.
    /// </summary>
    /// <param name="ensemble">The ensemble.</param>
    public static string ComputeArchitectureHash(ModelEnsemble ensemble)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        return ArchitectureDescription.Hash(ArchitectureDescription.ToJson(ensemble));
    }

    private static OnnxExportOptions Prepare(OnnxExportOptions? options)
    {
        var copy = options?.Clone() ?? new OnnxExportOptions();
        copy.Validate();
        return copy;
    }

    private static void RequireWritable(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (!destination.CanWrite) throw new ArgumentException("The destination stream is not writable.", nameof(destination));
    }

    private static ModelProto BuildModel(SequentialModel model, OnnxExportOptions options)
    {
        var classNames = ClassNamesFor(model.ClassNames, options);
        var graph = new GraphBuilder("mnist_sequential_model");
        graph.UniqueName(InputName);
        graph.UniqueName(OutputName);
        string probabilities = ModelGraphWriter.Write(graph, model, InputName, string.Empty, memberNumber: null);
        Finish(graph, model.InputShape, model.ClassCount, probabilities);

        var metadata = new List<(string, string)>
        {
            (OnnxMetadataKeys.MetadataVersion, "1"),
            (OnnxMetadataKeys.Kind, "model"),
            (OnnxMetadataKeys.ClassNames, JsonList(classNames.Select(n => (JsonNode?)n))),
            (OnnxMetadataKeys.InputShape, JsonList(model.InputShape.Dimensions.Select(d => (JsonNode?)d))),
        };
        if (FirstNormalizer(model) is { } normalizer)
        {
            metadata.Add((OnnxMetadataKeys.NormalizerMean, Number(normalizer.Mean)));
            metadata.Add((OnnxMetadataKeys.NormalizerStandardDeviation, Number(normalizer.StandardDeviation)));
        }

        metadata.Add((OnnxMetadataKeys.LibraryVersion, LibraryVersion));
        metadata.Add((OnnxMetadataKeys.ArchitectureHash, ModelFile.ComputeArchitectureSha256(model)));
        metadata.Add((OnnxMetadataKeys.MemberCount, "1"));
        string description = options.Description
            ?? $"Mnist SequentialModel ({model.Layers.Count} layers): float32 '{InputName}' N×{string.Join("×", model.InputShape.Dimensions)} on the scale it was trained on → '{OutputName}' N×{model.ClassCount} class probabilities.";
        return Wrap(graph, options, metadata, description);
    }

    private static ModelProto BuildEnsemble(ModelEnsemble ensemble, OnnxExportOptions options)
    {
        if (ensemble.Count == 0) throw new InvalidOperationException("The ensemble has no members; add at least one before exporting it.");
        var classNames = ClassNamesFor(ensemble.ClassNames, options);
        var graph = new GraphBuilder("mnist_model_ensemble");
        graph.UniqueName(InputName);
        graph.UniqueName(OutputName);
        string probabilities = EnsembleGraphWriter.Write(graph, ensemble, InputName);
        Finish(graph, ensemble.InputShape, ensemble.ClassCount, probabilities);

        var metadata = new List<(string, string)>
        {
            (OnnxMetadataKeys.MetadataVersion, "1"),
            (OnnxMetadataKeys.Kind, "ensemble"),
            (OnnxMetadataKeys.ClassNames, JsonList(classNames.Select(n => (JsonNode?)n))),
            (OnnxMetadataKeys.InputShape, JsonList(ensemble.InputShape.Dimensions.Select(d => (JsonNode?)d))),
        };
        var normalizers = ensemble.Members.Select(m => FirstNormalizer(m.Model)).ToArray();
        if (normalizers[0] is { } first && normalizers.All(n => n is not null && n.Mean.Equals(first.Mean) && n.StandardDeviation.Equals(first.StandardDeviation)))
        {
            metadata.Add((OnnxMetadataKeys.NormalizerMean, Number(first.Mean)));
            metadata.Add((OnnxMetadataKeys.NormalizerStandardDeviation, Number(first.StandardDeviation)));
        }

        metadata.Add((OnnxMetadataKeys.LibraryVersion, LibraryVersion));
        metadata.Add((OnnxMetadataKeys.ArchitectureHash, ComputeArchitectureHash(ensemble)));
        metadata.Add((OnnxMetadataKeys.MemberCount, ensemble.Count.ToString(CultureInfo.InvariantCulture)));
        metadata.Add((OnnxMetadataKeys.Combination, ensemble.Combination.ToString()));
        metadata.Add((OnnxMetadataKeys.MemberWeights, JsonList(ensemble.Weights.Select(w => (JsonNode?)w))));
        foreach (var member in ensemble.Members)
        {
            metadata.Add((OnnxMetadataKeys.Member(member.Number, "architecture_sha256"), ModelFile.ComputeArchitectureSha256(member.Model)));
            if (normalizers[member.Index] is { } n)
            {
                metadata.Add((OnnxMetadataKeys.Member(member.Number, "normalizer.mean"), Number(n.Mean)));
                metadata.Add((OnnxMetadataKeys.Member(member.Number, "normalizer.std"), Number(n.StandardDeviation)));
            }
        }

        string description = options.Description
            ?? $"Mnist ModelEnsemble of {ensemble.Count} members ({ensemble.Combination}): float32 '{InputName}' N×{string.Join("×", ensemble.InputShape.Dimensions)} on the scale the members were trained on → '{OutputName}' N×{ensemble.ClassCount} class probabilities.";
        return Wrap(graph, options, metadata, description);
    }

    private static IReadOnlyList<string> ClassNamesFor(IReadOnlyList<string> own, OnnxExportOptions options)
    {
        int classCount = own.Count;
        if (options.ClassNames is not { } names) return own;
        if (names.Count != classCount)
            throw new ArgumentException($"OnnxExportOptions.ClassNames has {names.Count} names but the model has {classCount} classes; give one name per class.", nameof(options));
        return names;
    }

    private static NormalizeLayer? FirstNormalizer(SequentialModel model) => model.Layers.Select(l => l.Layer).OfType<NormalizeLayer>().FirstOrDefault();

    private static void Finish(GraphBuilder graph, TensorShape inputShape, int classCount, string probabilities)
    {
        graph.Graph.Input.Add(GraphBuilder.BatchedFloatTensor(InputName, BatchDimension, inputShape.Dimensions));
        graph.Graph.Output.Add(GraphBuilder.BatchedFloatTensor(OutputName, BatchDimension, [classCount]));
        graph.Graph.Node.Add(new NodeProto { OpType = "Identity", Name = OutputName, Input = { probabilities }, Output = { OutputName } });
        if (graph.InitializerBytes > MaxInitializerBytes)
            throw new NotSupportedException($"The weights take {graph.InitializerBytes:N0} bytes, but an ONNX file is one protobuf message of at most 2 GiB (Mnist.Onnx does not write ONNX external data).");
    }

    private static ModelProto Wrap(GraphBuilder graph, OnnxExportOptions options, List<(string Key, string Value)> metadata, string description)
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = options.ProducerName,
            ProducerVersion = LibraryVersion,
            ModelVersion = 1,
            DocString = description,
            Graph = graph.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = OpsetVersion });
        int count = metadata.Count + 2 + options.Metadata.Count;
        model.MetadataProps.Add(new StringStringEntryProto { Key = metadata[0].Key, Value = metadata[0].Value });
        model.MetadataProps.Add(new StringStringEntryProto { Key = OnnxMetadataKeys.MetadataCount, Value = count.ToString(CultureInfo.InvariantCulture) });
        model.MetadataProps.Add(new StringStringEntryProto { Key = OnnxMetadataKeys.GraphHash, Value = GraphHash(graph.Graph.ToByteArray()) });
        foreach (var (key, value) in metadata.Skip(1)) model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        foreach (var (key, value) in options.Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    /// <summary>Lower-case hexadecimal SHA-256 of the serialized graph.</summary>
    internal static string GraphHash(ReadOnlySpan<byte> graphBytes) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(graphBytes)).ToLowerInvariant();

    private static string JsonList(IEnumerable<JsonNode?> items) => new JsonArray(items.ToArray()).ToJsonString();

    private static string Number(float value) => value.ToString(CultureInfo.InvariantCulture);
}
