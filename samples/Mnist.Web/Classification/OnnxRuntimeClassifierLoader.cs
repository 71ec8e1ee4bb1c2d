using Mnist.Models;
using Mnist.OnnxRuntime;
using Mnist.Samples;

namespace Mnist.Web.Classification;

/// <summary>
/// Opens <c>.onnx</c> files (e.g. <c>out/ensemble.onnx</c> from samples/Mnist.Train, or any model exported with
/// Mnist.Onnx's <c>ExportOnnx</c>) as an <see cref="OnnxClassifier"/>: an ONNX Runtime session, no LibTorch. Safe to
/// predict with from several threads.
/// </summary>
public sealed class OnnxRuntimeClassifierLoader : IClassifierLoader
{
    private readonly OnnxClassifierOptions _options;

    /// <summary>Creates the loader.</summary>
    /// <param name="options">How the sessions are opened (file limit, batch size, threads); default <c>new OnnxClassifierOptions()</c>. Copied.</param>
    public OnnxRuntimeClassifierLoader(OnnxClassifierOptions? options = null)
    {
        _options = options?.Clone() ?? new OnnxClassifierOptions();
        _options.Validate();
    }

    /// <inheritdoc />
    public string Kind => "ONNX model (.onnx, run with ONNX Runtime)";

    /// <inheritdoc />
    public bool CanLoad(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) && !Directory.Exists(path);
    }

    /// <inheritdoc />
    public IClassifier Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new ClassifierLoadException(path, $"{path}: no such file or folder.");
        try
        {
            return OnnxClassifier.Load(path, _options);
        }
        catch (OnnxModelFileException ex)
        {
            // Its message already starts with the path.
            string problem = ClassifierLoaders.OneLine(ex.Message);
            if (problem.StartsWith(path + ": ", StringComparison.Ordinal)) problem = problem[(path.Length + 2)..];
            throw new ClassifierLoadException(path, $"{path}: cannot load the ONNX model: {problem}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ClassifierLoadException(path, $"{path}: cannot read the ONNX model: {ClassifierLoaders.OneLine(ex.Message)}", ex);
        }
    }

    /// <inheritdoc />
    public string Describe(IClassifier classifier, string path)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        return classifier is OnnxClassifier onnx
            ? OnnxDescription.Describe(onnx, path)
            : $"ONNX model {Path.GetFileName(path)} ({classifier.ClassCount} classes)";
    }
}
