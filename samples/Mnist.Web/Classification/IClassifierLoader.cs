using Mnist.Models;

namespace Mnist.Web.Classification;

/// <summary>
/// Opens one kind of saved classifier. The app asks its loaders in order (<see cref="ClassifierLoaders"/>) and uses the
/// first that <see cref="CanLoad">claims</see> a path, so a new kind (an ONNX Runtime session from the
/// <c>Mnist.OnnxRuntime</c> package, say) plugs in with one loader registered before the others.
/// </summary>
public interface IClassifierLoader
{
    /// <summary>What this loader opens, for messages, e.g. <c>"TorchSharp model file or ensemble folder"</c>.</summary>
    string Kind { get; }

    /// <summary>Whether this loader is the one for <paramref name="path"/> (decided from the path alone: extension, file or folder).</summary>
    /// <param name="path">The full path given with <c>--model</c>.</param>
    bool CanLoad(string path);

    /// <summary>Opens the classifier at <paramref name="path"/>; the caller owns (disposes) it.</summary>
    /// <param name="path">A full path this loader <see cref="CanLoad">claimed</see>.</param>
    /// <exception cref="ClassifierLoadException">The classifier cannot be opened; the message says why.</exception>
    IClassifier Load(string path);

    /// <summary>A one-line description of a classifier this loader opened, e.g. <c>"model digits.mnistmodel (10 classes, input 1×28×28, 12,810 parameters)"</c>.</summary>
    /// <param name="classifier">The classifier <see cref="Load"/> returned.</param>
    /// <param name="path">The path it was opened from.</param>
    string Describe(IClassifier classifier, string path);
}
