using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Mnist.Models;

namespace Mnist.OnnxRuntime;

/// <summary>
/// An <see cref="IClassifier"/> backed by an ONNX Runtime session: a model or ensemble exported by Mnist.Onnx (or any ONNX
/// graph with one float input (N, C, H, W) and one float output (N, classes) of probabilities), with no TorchSharp or
/// LibTorch. Class names and the input shape come from the file's metadata where Mnist.Onnx wrote them. Prediction is
/// safe from several threads at once (ONNX Runtime sessions are). Owns native memory: dispose it.
/// </summary>
public sealed class OnnxClassifier : IClassifier
{
    /// <summary>The metadata key of the class names that Mnist.Onnx writes (a JSON array of strings).</summary>
    public const string ClassNamesKey = "mnist.class_names";

    /// <summary>The metadata key of the per-sample input shape that Mnist.Onnx writes (a JSON array, e.g. <c>[1,28,28]</c>).</summary>
    public const string InputShapeKey = "mnist.input_shape";

    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly string[] _classNames;
    private readonly int _batchSize;
    private bool _disposed;

    private OnnxClassifier(string filePath, InferenceSession session, string inputName, string outputName, TensorShape inputShape, string[] classNames, int batchSize)
    {
        FilePath = filePath;
        _session = session;
        _inputNames = [inputName];
        _outputNames = [outputName];
        InputShape = inputShape;
        _classNames = classNames;
        _batchSize = batchSize;
        Metadata = new Dictionary<string, string>(session.ModelMetadata.CustomMetadataMap, StringComparer.Ordinal);
    }

    /// <summary>The file the classifier was loaded from.</summary>
    public string FilePath { get; }

    /// <inheritdoc />
    public TensorShape InputShape { get; }

    /// <inheritdoc />
    public int ClassCount => _classNames.Length;

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames => _classNames;

    /// <summary>The graph's input name (e.g. <c>images</c>).</summary>
    public string InputName => _inputNames[0];

    /// <summary>The graph's output name (e.g. <c>probabilities</c>).</summary>
    public string OutputName => _outputNames[0];

    /// <summary>Every metadata entry of the file (<c>metadata_props</c>): for Mnist.Onnx exports the class names, input shape, normaliser statistics, library version and architecture hash.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>
    /// Opens an <c>.onnx</c> file. The file is read whole within <see cref="OnnxClassifierOptions.MaxFileBytes"/>, parsed
    /// by ONNX Runtime, and its graph is checked: one float input of shape (N, C, H, W) with a free batch dimension and
    /// fixed C, H, W; one float output (N, classes); class names in the metadata (if any) matching the classes.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Limits and threads (defaults documented on <see cref="OnnxClassifierOptions"/>).</param>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="OnnxModelFileException">The file is too large, not ONNX, corrupt or truncated, or its graph is not an image classifier; the message names the file and the problem.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static OnnxClassifier Load(string path, OnnxClassifierOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options = options?.Clone() ?? new OnnxClassifierOptions();
        options.Validate();
        if (!File.Exists(path)) throw new FileNotFoundException($"ONNX model not found: {path}", path);
        var bytes = ReadBounded(path, options.MaxFileBytes);
        if (bytes.Length == 0) throw new OnnxModelFileException(path, "the file is empty: not an ONNX model.");

        InferenceSession session;
        using (var sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL })
        {
            if (options.IntraOpThreads is { } threads) sessionOptions.IntraOpNumThreads = threads;
            try
            {
                session = new InferenceSession(bytes, sessionOptions);
            }
            catch (OnnxRuntimeException ex)
            {
                throw new OnnxModelFileException(path, "not a valid ONNX model (corrupt, truncated or not ONNX at all): " + FirstLine(ex.Message), ex);
            }
        }

        try
        {
            var (inputName, inputShape) = CheckInput(session, path);
            var (outputName, classes) = CheckOutput(session, path);
            var metadata = session.ModelMetadata.CustomMetadataMap;
            if (metadata.TryGetValue(InputShapeKey, out var storedShape) && ParseInts(storedShape) is { } dims && !dims.SequenceEqual(inputShape.Dimensions))
                throw new OnnxModelFileException(path, $"the metadata's input shape {storedShape} disagrees with the graph's input {inputShape}.");
            var classNames = ReadClassNames(metadata, classes, path);
            return new OnnxClassifier(path, session, inputName, outputName, inputShape, classNames, options.BatchSize);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    /// <exception cref="InvalidProbabilitiesException">The graph's output is not a probability distribution.</exception>
    public ClassProbabilities PredictProba(ReadOnlySpan<float> images, int count)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long perImage = ImageBuffer.Check(InputShape, images, count);
        int classes = ClassCount;
        var values = new float[(long)count * classes];
        var shape = InputShape.WithBatch(0);
        for (int start = 0; start < count; start += _batchSize)
        {
            int n = Math.Min(_batchSize, count - start);
            var chunk = images.Slice((int)(start * perImage), (int)(n * perImage)).ToArray();
            shape[0] = n;
            using var input = OrtValue.CreateTensorValueFromMemory(chunk, (long[])shape.Clone());
            using var runOptions = new RunOptions();
            using var outputs = _session.Run(runOptions, _inputNames, [input], _outputNames);
            var output = outputs[0];
            var outputShape = output.GetTensorTypeAndShape().Shape;
            if (outputShape.Length != 2 || outputShape[0] != n || outputShape[1] != classes)
                throw new InvalidOperationException($"{FilePath}: the graph returned shape ({string.Join(", ", outputShape)}) for {n} images; expected ({n}, {classes}).");
            output.GetTensorDataAsSpan<float>().CopyTo(values.AsSpan(start * classes, n * classes));
        }

        return ClassProbabilities.Wrap(values, count, classes);
    }

    /// <summary>E.g. <c>ONNX model.onnx, (None, 1, 28, 28) → 10 classes</c>.</summary>
    public override string ToString() => $"ONNX {Path.GetFileName(FilePath)}, {InputShape} → {ClassCount} classes";

    /// <summary>Releases the ONNX Runtime session.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _session.Dispose();
    }

    private static byte[] ReadBounded(string path, long limit)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (stream.Length > limit)
                throw new OnnxModelFileException(path, $"the file has {stream.Length:N0} bytes, more than the limit of {limit:N0} (OnnxClassifierOptions.MaxFileBytes); raise it for a larger model you trust.");
            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            if (stream.ReadByte() != -1) throw new OnnxModelFileException(path, "the file grew while it was read; try again.");
            return bytes;
        }
        catch (EndOfStreamException ex)
        {
            throw new OnnxModelFileException(path, "the file shrank while it was read; try again.", ex);
        }
    }

    private static (string Name, TensorShape Shape) CheckInput(InferenceSession session, string path)
    {
        if (session.InputMetadata.Count != 1)
            throw new OnnxModelFileException(path, $"the graph has {session.InputMetadata.Count} inputs ({string.Join(", ", session.InputMetadata.Keys)}); an image classifier has one, float (N, C, H, W).");
        var (name, input) = session.InputMetadata.First();
        var dims = input.IsTensor ? input.Dimensions : [];
        if (!input.IsTensor || input.ElementDataType != TensorElementType.Float || dims.Length != 4 || dims.Skip(1).Any(d => d <= 0))
            throw new OnnxModelFileException(path, $"input '{name}' is {Describe(input)}; an image classifier takes float images (N, C, H, W) with fixed C, H and W (the library exports raw 0–255 pixels as (N, 1, 28, 28)).");
        return (name, new TensorShape(dims[1], dims[2], dims[3]));
    }

    private static (string Name, int Classes) CheckOutput(InferenceSession session, string path)
    {
        if (session.OutputMetadata.Count != 1)
            throw new OnnxModelFileException(path, $"the graph has {session.OutputMetadata.Count} outputs ({string.Join(", ", session.OutputMetadata.Keys)}); an image classifier has one, float probabilities (N, classes).");
        var (name, output) = session.OutputMetadata.First();
        var dims = output.IsTensor ? output.Dimensions : [];
        if (!output.IsTensor || output.ElementDataType != TensorElementType.Float || dims.Length != 2 || dims[1] <= 0)
            throw new OnnxModelFileException(path, $"output '{name}' is {Describe(output)}; an image classifier returns float probabilities (N, classes) with a fixed class count.");
        return (name, dims[1]);
    }

    private static string[] ReadClassNames(IReadOnlyDictionary<string, string> metadata, int classes, string path)
    {
        if (!metadata.TryGetValue(ClassNamesKey, out var json))
            return Enumerable.Range(0, classes).Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray();
        string[]? names;
        try
        {
            names = JsonSerializer.Deserialize<string[]>(json, new JsonSerializerOptions { MaxDepth = 2 });
        }
        catch (JsonException ex)
        {
            throw new OnnxModelFileException(path, $"metadata '{ClassNamesKey}' is not a JSON array of strings: {ex.Message}", ex);
        }

        if (names is null || names.Length != classes || names.Any(string.IsNullOrEmpty))
            throw new OnnxModelFileException(path, $"metadata '{ClassNamesKey}' must name each of the {classes} classes with a non-empty string; it holds {(names is null ? "null" : names.Length + " entries")}.");
        return names;
    }

    private static int[]? ParseInts(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<int[]>(json, new JsonSerializerOptions { MaxDepth = 2 });
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Describe(NodeMetadata node) =>
        node.IsTensor
            ? $"{node.ElementDataType} of shape ({string.Join(", ", node.Dimensions.Select((d, i) => d > 0 ? d.ToString(CultureInfo.InvariantCulture) : node.SymbolicDimensions.ElementAtOrDefault(i) is { Length: > 0 } s ? s : "?"))})"
            : $"a {node.OnnxValueType}, not a tensor";

    private static string FirstLine(string message)
    {
        var line = message.Split('\n', 2)[0].Trim();
        return line.Length <= 300 ? line : line[..300] + "…";
    }
}
