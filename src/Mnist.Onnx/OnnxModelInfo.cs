using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using Mnist.Ensemble;
using Mnist.Onnx.Protobuf;

namespace Mnist.Onnx;

/// <summary>
/// What an ONNX file declares — IR version, opset, producer, graph inputs and outputs, every <c>metadata_props</c>
/// entry — and, for files written by <see cref="OnnxExport"/>, the typed Mnist metadata (class names, input shape,
/// normaliser statistics, library version, architecture hash, ensemble members and combination). Read it with
/// <see cref="Read(string, long)"/>; files from other tools are read too (their Mnist properties are
/// <see langword="null"/>). Immutable.
/// </summary>
public sealed class OnnxModelInfo
{
    /// <summary>The default read limit: 512 MiB. ONNX files without external data are protobuf messages of at most 2 GiB.</summary>
    public const long DefaultMaxBytes = 512L * 1024 * 1024;

    private OnnxModelInfo(string source, ModelProto model, IReadOnlyDictionary<string, string> metadata)
    {
        Source = source;
        Metadata = metadata;
        IrVersion = model.IrVersion;
        OpsetVersion = model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => (long?)o.Version).FirstOrDefault();
        ProducerName = model.ProducerName;
        ProducerVersion = model.ProducerVersion;
        Description = model.HasDocString ? model.DocString : null;
        var initializers = new HashSet<string>(model.Graph.Initializer.Select(i => i.Name), StringComparer.Ordinal);
        Inputs = model.Graph.Input.Where(i => !initializers.Contains(i.Name)).Select(Describe).ToArray();
        Outputs = model.Graph.Output.Select(Describe).ToArray();
    }

    /// <summary>The file read (or the stream's name).</summary>
    public string Source { get; }

    /// <summary>The ONNX IR version, e.g. 8.</summary>
    public long IrVersion { get; }

    /// <summary>The version of the default (<c>ai.onnx</c>) operator set, e.g. 17, or <see langword="null"/> when the model imports only other domains.</summary>
    public long? OpsetVersion { get; }

    /// <summary>The <c>producer_name</c>, e.g. <c>Mnist.Onnx</c> (empty when absent).</summary>
    public string ProducerName { get; }

    /// <summary>The <c>producer_version</c> (empty when absent).</summary>
    public string ProducerVersion { get; }

    /// <summary>The model's <c>doc_string</c>, or <see langword="null"/>.</summary>
    public string? Description { get; }

    /// <summary>The graph inputs (without initializers), e.g. <c>images: float[N, 1, 28, 28]</c>.</summary>
    public IReadOnlyList<OnnxTensorInfo> Inputs { get; }

    /// <summary>The graph outputs, e.g. <c>probabilities: float[N, 10]</c>.</summary>
    public IReadOnlyList<OnnxTensorInfo> Outputs { get; }

    /// <summary>Every <c>metadata_props</c> entry (keys are unique), the library's (<see cref="OnnxMetadataKeys"/>) and any extra ones.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Whether the file carries Mnist.Onnx metadata (<see cref="OnnxMetadataKeys.MetadataVersion"/>).</summary>
    public bool IsMnistExport => Metadata.ContainsKey(OnnxMetadataKeys.MetadataVersion);

    /// <summary><c>model</c> or <c>ensemble</c>; <see langword="null"/> for files not written by Mnist.Onnx.</summary>
    public string? Kind { get; private init; }

    /// <summary>The class names in output order, or <see langword="null"/>.</summary>
    public IReadOnlyList<string>? ClassNames { get; private init; }

    /// <summary>The per-sample input shape without the batch dimension (e.g. 1, 28, 28), or <see langword="null"/>.</summary>
    public IReadOnlyList<int>? InputShape { get; private init; }

    /// <summary>The mean the graph's first <c>Normalize</c> layer subtracts, or <see langword="null"/>.</summary>
    public float? NormalizerMean { get; private init; }

    /// <summary>The standard deviation the graph's first <c>Normalize</c> layer divides by, or <see langword="null"/>.</summary>
    public float? NormalizerStandardDeviation { get; private init; }

    /// <summary>The version of Mnist.Onnx that wrote the file, or <see langword="null"/>.</summary>
    public string? LibraryVersion { get; private init; }

    /// <summary>The architecture hash (<see cref="Models.ModelFile.ComputeArchitectureSha256"/>), or <see langword="null"/>.</summary>
    public string? ArchitectureHash { get; private init; }

    /// <summary>The number of ensemble members (1 for a single model), or <see langword="null"/>.</summary>
    public int? MemberCount { get; private init; }

    /// <summary>The ensemble's combination rule, or <see langword="null"/> (single models and files from other tools).</summary>
    public EnsembleCombination? Combination { get; private init; }

    /// <summary>The ensemble members' weights as given to the ensemble, or <see langword="null"/>.</summary>
    public IReadOnlyList<double>? MemberWeights { get; private init; }

    /// <summary>
    /// Reads an ONNX file's declarations and metadata. The file is checked, within <paramref name="maxBytes"/>: it must
    /// parse as an ONNX <c>ModelProto</c> with an IR version, a graph and an operator set; a file written by
    /// <see cref="OnnxExport"/> must also have all its metadata entries and a graph matching its
    /// <see cref="OnnxMetadataKeys.GraphHash"/> (so truncated or corrupt weights are found).
    /// </summary>
    /// <param name="path">The .onnx file.</param>
    /// <param name="maxBytes">Largest file accepted (default <see cref="DefaultMaxBytes"/>, 512 MiB).</param>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="OnnxFileException">The file is not ONNX (e.g. an image or text), is corrupt or truncated, has invalid Mnist metadata, or is larger than <paramref name="maxBytes"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBytes"/> is not positive.</exception>
    public static OnnxModelInfo Read(string path, long maxBytes = DefaultMaxBytes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        if (!File.Exists(path)) throw new FileNotFoundException($"ONNX file not found: {path}", path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (stream.Length > maxBytes)
            throw new OnnxFileException(path, $"the file has {stream.Length:N0} bytes, more than the read limit of {maxBytes:N0} bytes; pass a larger maxBytes to read a model you trust.");
        return Read(stream, path, maxBytes);
    }

    /// <summary>Reads an ONNX model from a stream (up to <paramref name="maxBytes"/>), with the checks of <see cref="Read(string, long)"/>.</summary>
    /// <param name="stream">A readable stream positioned at the start of the model; it stays open.</param>
    /// <param name="sourceName">The name used in messages and <see cref="Source"/> (e.g. a file name or URL).</param>
    /// <param name="maxBytes">Largest model accepted (default <see cref="DefaultMaxBytes"/>).</param>
    /// <exception cref="OnnxFileException">The data is not a valid ONNX model or is larger than <paramref name="maxBytes"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBytes"/> is not positive.</exception>
    public static OnnxModelInfo Read(Stream stream, string sourceName, long maxBytes = DefaultMaxBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceName);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        if (!stream.CanRead) throw new ArgumentException("The stream is not readable.", nameof(stream));
        byte[] bytes = ReadBounded(stream, sourceName, maxBytes);
        return Parse(bytes, sourceName);
    }

    private static byte[] ReadBounded(Stream stream, string source, long maxBytes)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        long total = 0;
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            total += read;
            if (total > maxBytes)
                throw new OnnxFileException(source, $"the model is larger than the read limit of {maxBytes:N0} bytes; pass a larger maxBytes to read a model you trust.");
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static OnnxModelInfo Parse(byte[] bytes, string source)
    {
        if (bytes.Length == 0) throw new OnnxFileException(source, "the file is empty, not an ONNX model.");
        ModelProto model;
        ByteString? graphBytes = null;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
            graphBytes = LastGraphField(bytes);
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidOperationException or ArgumentException or OverflowException)
        {
            throw new OnnxFileException(source, $"not a valid ONNX model: {Sniff(bytes) ?? "the protobuf data is corrupt or truncated"} ({ex.Message}).", ex);
        }

        if (model.IrVersion <= 0 || model.Graph is null || model.OpsetImport.Count == 0)
        {
            string? what = Sniff(bytes);
            string missing = model.IrVersion <= 0 ? "an IR version" : model.Graph is null ? "a graph" : "an operator set import";
            throw new OnnxFileException(source, $"not an ONNX model: {what ?? "it parses as protobuf but has no " + missing} (a truncated file can also lose it).");
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in model.MetadataProps)
        {
            if (!metadata.TryAdd(entry.Key, entry.Value)) throw new OnnxFileException(source, $"metadata key '{Excerpt(entry.Key)}' appears twice.");
        }

        var info = new OnnxModelInfo(source, model, metadata);
        if (!info.IsMnistExport) return info;
        CheckIntegrity(source, model, metadata, graphBytes);
        return new OnnxModelInfo(source, model, metadata)
        {
            Kind = Required(metadata, OnnxMetadataKeys.Kind, source) is var kind && kind is "model" or "ensemble"
                ? kind
                : throw Invalid(source, OnnxMetadataKeys.Kind, "is neither 'model' nor 'ensemble'"),
            ClassNames = ParseJson<string[]>(source, metadata, OnnxMetadataKeys.ClassNames, "a JSON array of strings", a => a.All(n => n is not null)),
            InputShape = ParseJson<int[]>(source, metadata, OnnxMetadataKeys.InputShape, "a JSON array of positive integers", a => a.Length > 0 && a.All(d => d > 0)),
            NormalizerMean = OptionalFloat(source, metadata, OnnxMetadataKeys.NormalizerMean),
            NormalizerStandardDeviation = OptionalFloat(source, metadata, OnnxMetadataKeys.NormalizerStandardDeviation),
            LibraryVersion = Required(metadata, OnnxMetadataKeys.LibraryVersion, source),
            ArchitectureHash = Required(metadata, OnnxMetadataKeys.ArchitectureHash, source),
            MemberCount = int.TryParse(Required(metadata, OnnxMetadataKeys.MemberCount, source), NumberStyles.None, CultureInfo.InvariantCulture, out int members) && members > 0
                ? members
                : throw Invalid(source, OnnxMetadataKeys.MemberCount, "is not a positive integer"),
            Combination = metadata.TryGetValue(OnnxMetadataKeys.Combination, out var combination)
                ? Enum.TryParse<EnsembleCombination>(combination, ignoreCase: false, out var rule) && Enum.IsDefined(rule) && !int.TryParse(combination, out _)
                    ? rule
                    : throw Invalid(source, OnnxMetadataKeys.Combination, "is not an ensemble combination")
                : null,
            MemberWeights = metadata.ContainsKey(OnnxMetadataKeys.MemberWeights)
                ? ParseJson<double[]>(source, metadata, OnnxMetadataKeys.MemberWeights, "a JSON array of numbers", a => a.All(double.IsFinite))
                : null,
        };
    }

    /// <summary>The bytes of the last top-level field 7 (<c>graph</c>), as the file holds them.</summary>
    private static ByteString? LastGraphField(byte[] bytes)
    {
        var input = new CodedInputStream(bytes);
        ByteString? graph = null;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (tag == 58) graph = input.ReadBytes(); // field 7, length-delimited
            else input.SkipLastField();
        }

        return graph;
    }

    private static void CheckIntegrity(string source, ModelProto model, Dictionary<string, string> metadata, ByteString? graphBytes)
    {
        if (metadata.TryGetValue(OnnxMetadataKeys.MetadataCount, out var countText))
        {
            if (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out int expected))
                throw Invalid(source, OnnxMetadataKeys.MetadataCount, "is not a count");
            if (model.MetadataProps.Count != expected)
                throw new OnnxFileException(source, $"the file has {model.MetadataProps.Count} of the {expected} metadata entries it was written with: it is truncated or was edited.");
        }
        else
        {
            throw Invalid(source, OnnxMetadataKeys.MetadataCount, "is missing");
        }

        string expectedHash = Required(metadata, OnnxMetadataKeys.GraphHash, source);
        string actual = OnnxExport.GraphHash(graphBytes is null ? ReadOnlySpan<byte>.Empty : graphBytes.Span);
        if (!string.Equals(expectedHash, actual, StringComparison.Ordinal))
            throw new OnnxFileException(source, $"the graph (nodes and weights) does not match the SHA-256 written at export ({OnnxMetadataKeys.GraphHash}): the file is corrupt or was altered after export.");
    }

    private static string Required(Dictionary<string, string> metadata, string key, string source) =>
        metadata.TryGetValue(key, out var value) ? value : throw Invalid(source, key, "is missing");

    private static float? OptionalFloat(string source, Dictionary<string, string> metadata, string key)
    {
        if (!metadata.TryGetValue(key, out var text)) return null;
        return float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) && float.IsFinite(value)
            ? value
            : throw Invalid(source, key, "is not a finite number");
    }

    private static T ParseJson<T>(string source, Dictionary<string, string> metadata, string key, string expected, Func<T, bool> valid)
        where T : class
    {
        string text = Required(metadata, key, source);
        T? value;
        try
        {
            value = JsonSerializer.Deserialize<T>(text);
        }
        catch (JsonException ex)
        {
            throw new OnnxFileException(source, $"metadata '{key}' is not {expected}: {Excerpt(text)}", ex);
        }

        return value is not null && valid(value) ? value : throw Invalid(source, key, $"is not {expected}: {Excerpt(text)}");
    }

    private static OnnxFileException Invalid(string source, string key, string problem) =>
        new(source, $"the Mnist metadata entry '{key}' {problem}; the file is corrupt or was not written by Mnist.Onnx.");

    private static OnnxTensorInfo Describe(ValueInfoProto value)
    {
        var type = value.Type;
        if (type is null) return new OnnxTensorInfo(value.Name, "unknown", []);
        if (type.ValueCase != TypeProto.ValueOneofCase.TensorType)
        {
            string kind = type.ValueCase switch
            {
                TypeProto.ValueOneofCase.SequenceType => "sequence",
                TypeProto.ValueOneofCase.MapType => "map",
                TypeProto.ValueOneofCase.OptionalType => "optional",
                TypeProto.ValueOneofCase.SparseTensorType => "sparse_tensor",
                _ => "unknown",
            };
            return new OnnxTensorInfo(value.Name, kind, []);
        }

        var tensor = type.TensorType;
        string element = Enum.IsDefined((TensorProto.Types.DataType)tensor.ElemType)
            ? ((TensorProto.Types.DataType)tensor.ElemType).ToString().ToLowerInvariant()
            : "unknown";
        var shape = tensor.Shape?.Dim.Select(d => d.ValueCase switch
        {
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue => new OnnxDimension(d.DimValue, null),
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam => new OnnxDimension(null, d.DimParam),
            _ => new OnnxDimension(null, null),
        }).ToArray() ?? [];
        return new OnnxTensorInfo(value.Name, element, shape);
    }

    /// <summary>A description of well-known non-ONNX content, or <see langword="null"/>.</summary>
    private static string? Sniff(byte[] bytes)
    {
        ReadOnlySpan<byte> b = bytes;
        if (b.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])) return "the file is a PNG image";
        if (b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return "the file is a JPEG image";
        if (b.StartsWith("GIF8"u8)) return "the file is a GIF image";
        if (b.StartsWith((ReadOnlySpan<byte>)[0x50, 0x4B, 0x03, 0x04])) return "the file is a zip archive (a .mnistmodel whole-model file? load it with SequentialModel.Load and call ExportOnnx)";
        if (b.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B])) return "the file is gzip-compressed";
        int sample = Math.Min(b.Length, 512);
        bool text = sample > 0;
        foreach (byte c in b[..sample])
        {
            if (c < 0x09 || (c > 0x0D && c < 0x20 && c != 0x1B)) { text = false; break; }
        }

        return text ? "the file looks like text" : null;
    }

    private static string Excerpt(string text) => text.Length <= 200 ? text : text[..200] + "…";

    /// <summary>E.g. <c>model.onnx: ONNX IR 8, opset 17, images: float[N, 1, 28, 28] → probabilities: float[N, 10]</c>.</summary>
    public override string ToString() =>
        $"{Source}: ONNX IR {IrVersion}, opset {OpsetVersion?.ToString(CultureInfo.InvariantCulture) ?? "none"}, {string.Join(", ", Inputs)} → {string.Join(", ", Outputs)}";
}
