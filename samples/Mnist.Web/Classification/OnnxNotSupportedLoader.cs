using Mnist.Models;

namespace Mnist.Web.Classification;

/// <summary>
/// Claims <c>.onnx</c> files and refuses them with a clear message, until a loader over ONNX Runtime (the
/// <c>Mnist.OnnxRuntime</c> package's <see cref="IClassifier"/>) is registered in its place in
/// <see cref="ClassifierLoaders.CreateDefault"/>.
/// </summary>
public sealed class OnnxNotSupportedLoader : IClassifierLoader
{
    /// <inheritdoc />
    public string Kind => "ONNX model (.onnx)";

    /// <inheritdoc />
    public bool CanLoad(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) && !Directory.Exists(path);
    }

    /// <inheritdoc />
    public IClassifier Load(string path) =>
        throw new ClassifierLoadException(path,
            $"{path}: ONNX models are not supported yet by Mnist.Web (no loader for .onnx files is registered; it comes with the Mnist.OnnxRuntime package). "
            + "Serve a .mnistmodel file or an ensemble folder instead, e.g. --model out/ensemble.");

    /// <inheritdoc />
    public string Describe(IClassifier classifier, string path) => $"ONNX model {Path.GetFileName(path)}";
}
