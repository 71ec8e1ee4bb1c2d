using Mnist.Ensemble;
using Mnist.Models;

namespace Mnist.Web.Classification;

/// <summary>
/// Opens the library's own files: a whole-model file written by <see cref="SequentialModel.Save"/> (any name but
/// <c>.onnx</c>; usually <c>.mnistmodel</c>) as a <see cref="SequentialModel"/>, a folder written by
/// <see cref="ModelEnsemble.Save"/> (e.g. <c>out/ensemble</c> from samples/Mnist.Train) as a <see cref="ModelEnsemble"/>.
/// Both are safe to predict with from several threads.
/// </summary>
public sealed class TorchSharpClassifierLoader : IClassifierLoader
{
    /// <inheritdoc />
    public string Kind => "TorchSharp model file (.mnistmodel) or ensemble folder";

    /// <inheritdoc />
    public bool CanLoad(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Directory.Exists(path) || !path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);
    }

    /// <inheritdoc />
    /// <exception cref="TorchRuntimeException">LibTorch cannot be loaded (an environment problem, not the file's).</exception>
    public IClassifier Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        bool isFolder = Directory.Exists(path);
        if (!isFolder && !File.Exists(path)) throw new ClassifierLoadException(path, $"{path}: no such file or folder.");
        TorchRuntime.EnsureInitialized();
        try
        {
            return isFolder ? ModelEnsemble.Load(path) : SequentialModel.Load(path);
        }
        catch (Exception ex) when (ex is not TorchRuntimeException and not OutOfMemoryException)
        {
            // Whatever a corrupt or hostile file makes the loader throw, reported as one line about that file.
            string problem = ClassifierLoaders.OneLine(ex.Message);
            if (problem.StartsWith(path + ": ", StringComparison.Ordinal)) problem = problem[(path.Length + 2)..];
            throw new ClassifierLoadException(path, $"{path}: cannot load the {(isFolder ? "ensemble" : "model")}: {problem}", ex);
        }
    }

    /// <inheritdoc />
    public string Describe(IClassifier classifier, string path)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(path));
        int size = classifier.InputShape[classifier.InputShape.Rank - 1];
        return classifier switch
        {
            SequentialModel model => $"model {name} ({model.ClassCount} classes, input 1×{size}×{size}, {model.Layers.Sum(l => l.TrainableParameters + l.NonTrainableParameters):N0} parameters)",
            ModelEnsemble ensemble => $"ensemble {name} ({ensemble.Count} members, {ensemble.Combination}, {ensemble.ClassCount} classes, input 1×{size}×{size})",
            _ => $"classifier {name} ({classifier.ClassCount} classes, input 1×{size}×{size})",
        };
    }
}
