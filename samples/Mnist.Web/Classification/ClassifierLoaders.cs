using Mnist.Models;
using Mnist.OnnxRuntime;

namespace Mnist.Web.Classification;

/// <summary>
/// The loaders the app knows, asked in order: the first whose <see cref="IClassifierLoader.CanLoad"/> claims a path opens
/// it. Checks that what it opened classifies single-channel square images.
/// </summary>
public sealed class ClassifierLoaders
{
    private readonly IReadOnlyList<IClassifierLoader> _loaders;

    /// <summary>Creates the list.</summary>
    /// <param name="loaders">The loaders, most specific first.</param>
    public ClassifierLoaders(IEnumerable<IClassifierLoader> loaders)
    {
        ArgumentNullException.ThrowIfNull(loaders);
        _loaders = loaders.ToArray();
        if (_loaders.Count == 0) throw new ArgumentException("At least one loader is needed.", nameof(loaders));
    }

    /// <summary>The loaders, in the order they are asked.</summary>
    public IReadOnlyList<IClassifierLoader> Loaders => _loaders;

    /// <summary>
    /// The app's loaders: <c>.onnx</c> files through ONNX Runtime (<see cref="OnnxRuntimeClassifierLoader"/>, no LibTorch),
    /// then the library's model files and ensemble folders (<see cref="TorchSharpClassifierLoader"/>).
    /// </summary>
    /// <param name="onnxThreads">ONNX Runtime's intra-op threads (<c>--threads</c>); <see langword="null"/>: its own choice.</param>
    public static ClassifierLoaders CreateDefault(int? onnxThreads = null) =>
        new([new OnnxRuntimeClassifierLoader(new OnnxClassifierOptions { IntraOpThreads = onnxThreads }), new TorchSharpClassifierLoader()]);

    /// <summary>Opens the classifier at <paramref name="path"/> with the first loader that claims it, and checks it.</summary>
    /// <param name="path">A model file, an ensemble folder, …</param>
    /// <returns>The classifier, its description and the loader that opened it.</returns>
    /// <exception cref="ClassifierLoadException">No loader claims the path, it cannot be opened, or it is not a digit classifier.</exception>
    /// <exception cref="TorchRuntimeException">LibTorch cannot be loaded.</exception>
    public LoadedClassifier Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var loader = _loaders.FirstOrDefault(l => l.CanLoad(path))
                     ?? throw new ClassifierLoadException(path, $"{path}: no loader opens this kind of file (known: {string.Join("; ", _loaders.Select(l => l.Kind))}).");
        var classifier = loader.Load(path);
        try
        {
            int size = CheckDigitClassifier(classifier, path);
            return new LoadedClassifier(classifier, loader.Describe(classifier, path), size);
        }
        catch
        {
            classifier.Dispose();
            throw;
        }
    }

    /// <summary>Checks that <paramref name="classifier"/> takes (1, S, S) images and names its classes; returns S.</summary>
    /// <exception cref="ClassifierLoadException">It does not.</exception>
    public static int CheckDigitClassifier(IClassifier classifier, string path)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        var input = classifier.InputShape;
        if (input.Rank != 3 || input[0] != 1 || input[1] != input[2])
            throw new ClassifierLoadException(path, $"{path}: the classifier's input is {input}; a digit classifier needs one channel of square images, e.g. (1, 28, 28).");
        if (input[1] > 1024)
            throw new ClassifierLoadException(path, $"{path}: the classifier's input is {input}; images larger than 1024×1024 are not served.");
        if (classifier.ClassCount < 1 || classifier.ClassNames.Count != classifier.ClassCount)
            throw new ClassifierLoadException(path, $"{path}: the classifier names {classifier.ClassNames.Count} classes but predicts {classifier.ClassCount}.");
        return input[1];
    }

    /// <summary>The non-empty lines of <paramref name="message"/> joined by spaces (a native LibTorch message is cut to its first line).</summary>
    internal static string OneLine(string message)
    {
        var lines = message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0) return "unknown error";
        // LibTorch errors carry native stack frames after the first line.
        return lines.Length > 1 && lines.Skip(1).Any(l => l.StartsWith("frame #", StringComparison.Ordinal) || l.StartsWith("Exception raised from", StringComparison.Ordinal))
            ? lines[0]
            : string.Join(' ', lines);
    }
}

/// <summary>A classifier the app opened, with its description and image size.</summary>
/// <param name="Classifier">The classifier (owned by whoever holds this record).</param>
/// <param name="Description">One line for the console and the page.</param>
/// <param name="ImageSize">S of its (1, S, S) input.</param>
public sealed record LoadedClassifier(IClassifier Classifier, string Description, int ImageSize);
