using System.Globalization;
using Mnist.OnnxRuntime;

namespace Mnist.Samples;

/// <summary>
/// The one-line description of an <see cref="OnnxClassifier"/> that the sample apps print, from the metadata Mnist.Onnx
/// writes: <c>ONNX ensemble ensemble.onnx (2 members, ArithmeticMean, 10 classes, input 1×28×28, ONNX Runtime)</c>,
/// <c>ONNX model digits.onnx (10 classes, input 1×28×28, ONNX Runtime)</c>, or for a graph from another tool
/// <c>ONNX graph other.onnx (10 classes, input 1×28×28, ONNX Runtime)</c>.
/// </summary>
internal static class OnnxDescription
{
    /// <summary>Describes <paramref name="classifier"/>, loaded from <paramref name="path"/>.</summary>
    public static string Describe(OnnxClassifier classifier, string path)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(path));
        var input = classifier.InputShape;
        string shape = string.Join("×", Enumerable.Range(0, input.Rank).Select(i => input[i].ToString(CultureInfo.InvariantCulture)));
        string tail = $"{classifier.ClassCount} classes, input {shape}, ONNX Runtime";
        classifier.Metadata.TryGetValue("mnist.kind", out var kind);
        if (kind == "ensemble"
            && classifier.Metadata.TryGetValue("mnist.member_count", out var members)
            && classifier.Metadata.TryGetValue("mnist.combination", out var combination))
            return $"ONNX ensemble {name} ({members} members, {combination}, {tail})";
        return kind == "model" ? $"ONNX model {name} ({tail})" : $"ONNX graph {name} ({tail})";
    }
}
