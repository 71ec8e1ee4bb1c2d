using Mnist.Ensemble;
using Mnist.Models;
using Mnist.OnnxRuntime;
using Mnist.Samples;

namespace Mnist.Predict.Classification;

/// <summary>
/// Opens the classifier named on the command line as an <see cref="IClassifier"/>: a whole-model file
/// (<see cref="SequentialModel"/>), a saved ensemble folder (<see cref="ModelEnsemble"/>), e.g. the <c>ensemble/</c>
/// folder that samples/Mnist.Train writes, or an <c>.onnx</c> file (<see cref="OnnxClassifier"/> over ONNX Runtime, e.g.
/// its <c>ensemble.onnx</c>; LibTorch is not loaded for it); and describes it for the console.
/// </summary>
public static class DigitClassifierLoader
{
    /// <summary>Opens the classifier at <paramref name="path"/> and checks that it classifies digit images (see <see cref="CheckDigitClassifier"/>).</summary>
    /// <param name="path">A <c>.mnistmodel</c> file written by <c>SequentialModel.Save</c>, a folder written by <c>ModelEnsemble.Save</c>, or an <c>.onnx</c> file (by its extension, e.g. written by Mnist.Onnx's <c>ExportOnnx</c>).</param>
    /// <exception cref="FileNotFoundException">Nothing exists at <paramref name="path"/>.</exception>
    /// <exception cref="ArgumentException">The model is not a digit classifier.</exception>
    /// <exception cref="Mnist.Ensemble.EnsembleFileException">The folder is not a complete, consistent ensemble.</exception>
    /// <exception cref="Mnist.Models.ModelFileException">The file is not a model file or is corrupt.</exception>
    /// <exception cref="OnnxModelFileException">The <c>.onnx</c> file is not ONNX, corrupt, too large or not an image classifier.</exception>
    public static IClassifier Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        bool isFolder = Directory.Exists(path);
        if (!isFolder && !File.Exists(path)) throw new FileNotFoundException($"Model file not found: {path}", path);
        IClassifier classifier;
        if (!isFolder && IsOnnx(path))
        {
            classifier = OnnxClassifier.Load(path);
        }
        else
        {
            TorchRuntime.EnsureInitialized();
            classifier = isFolder ? ModelEnsemble.Load(path) : SequentialModel.Load(path);
        }

        try
        {
            CheckDigitClassifier(classifier, NameOf(path));
            return classifier;
        }
        catch
        {
            classifier.Dispose();
            throw;
        }
    }

    /// <summary>Whether <paramref name="path"/> names an ONNX model: its extension is <c>.onnx</c> (any case).</summary>
    public static bool IsOnnx(string path) => Path.GetExtension(Path.TrimEndingDirectorySeparator(path)).Equals(".onnx", StringComparison.OrdinalIgnoreCase);

    /// <summary>Checks that <paramref name="classifier"/> takes one channel of square images, e.g. (1, 28, 28), and outputs a class vector.</summary>
    /// <param name="classifier">The classifier.</param>
    /// <param name="name">Its name for the message (e.g. its file name).</param>
    /// <exception cref="ArgumentException">It does not.</exception>
    public static void CheckDigitClassifier(IClassifier classifier, string name)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentException.ThrowIfNullOrEmpty(name);
        string kind = classifier is ModelEnsemble ? "ensemble" : "model";
        var input = classifier.InputShape;
        if (input.Rank != 3 || input[0] != 1 || input[1] != input[2])
            throw new ArgumentException($"{name}: the {kind}'s input is {input}; a digit classifier needs one channel of square images, e.g. (1, 28, 28).", nameof(classifier));
        var output = classifier switch
        {
            SequentialModel model => model.OutputShape,
            ModelEnsemble ensemble => ensemble.OutputShape,
            _ => null,
        };
        if (output is not null && output.Rank != 1)
            throw new ArgumentException($"{name}: the {kind}'s output is {output}, not a class vector.", nameof(classifier));
    }

    /// <summary>
    /// A one-line description for the console, e.g. <c>"model digits.mnistmodel (10 classes, input 1×28×28, 1,199,882 parameters)"</c>
    /// or <c>"ensemble ensemble (2 members, ArithmeticMean, 10 classes, input 1×28×28)"</c>, for ONNX
    /// <c>"ONNX ensemble ensemble.onnx (2 members, ArithmeticMean, 10 classes, input 1×28×28, ONNX Runtime)"</c>.
    /// </summary>
    /// <param name="classifier">The classifier (its input is (1, S, S)).</param>
    /// <param name="path">The path it was loaded from.</param>
    public static string Describe(IClassifier classifier, string path)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        string name = NameOf(path);
        int size = classifier.InputShape[1];
        return classifier switch
        {
            SequentialModel model => $"model {name} ({model.ClassCount} classes, input 1×{size}×{size}, {model.Layers.Sum(l => l.TrainableParameters + l.NonTrainableParameters):N0} parameters)",
            ModelEnsemble ensemble => $"ensemble {name} ({ensemble.Count} members, {ensemble.Combination}, {ensemble.ClassCount} classes, input 1×{size}×{size})",
            OnnxClassifier onnx => OnnxDescription.Describe(onnx, path),
            _ => $"classifier {name} ({classifier.ClassCount} classes, input 1×{size}×{size})",
        };
    }

    private static string NameOf(string path) => Path.GetFileName(Path.TrimEndingDirectorySeparator(path));
}
