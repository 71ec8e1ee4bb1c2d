namespace Mnist.Models;

/// <summary>
/// Anything that assigns class probabilities to images: a TorchSharp <c>SequentialModel</c>, an ensemble of them, an
/// ONNX Runtime session, or your own backend. One contract for prediction and evaluation, whatever the implementation;
/// Mnist.Core adds prediction and evaluation over datasets, batch sources and tensors to every implementation through
/// extension methods, and <see cref="ClassifierExtensions"/> adds evaluation over plain arrays.
/// </summary>
/// <remarks>
/// Implementations are safe to call from several threads at once for prediction (the library's are), and own native
/// memory: dispose them.
/// </remarks>
public interface IClassifier : IDisposable
{
    /// <summary>The shape of one input image without the batch dimension, e.g. (1, 28, 28).</summary>
    TensorShape InputShape { get; }

    /// <summary>How many classes the probabilities cover; equals <see cref="ClassNames"/>.<c>Count</c>.</summary>
    int ClassCount { get; }

    /// <summary>A display name per class, in class-index order (for MNIST "0" … "9"; for Fashion-MNIST "T-shirt/top", …).</summary>
    IReadOnlyList<string> ClassNames { get; }

    /// <summary>
    /// Class probabilities for <paramref name="count"/> images stored one after another, each
    /// <see cref="InputShape"/>.<see cref="TensorShape.ElementCount"/> float32 values in row-major order, on the scale the
    /// classifier was trained on (raw 0–255 pixels for the library's presets, which normalise inside the model). The
    /// result does not depend on how the implementation batches the images internally.
    /// </summary>
    /// <param name="images"><paramref name="count"/> × <see cref="TensorShape.ElementCount"/> values.</param>
    /// <param name="count">How many images <paramref name="images"/> holds (0 gives an empty result).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    /// <exception cref="ArgumentException">The length of <paramref name="images"/> is not <paramref name="count"/> images.</exception>
    /// <exception cref="ObjectDisposedException">The classifier has been disposed.</exception>
    ClassProbabilities PredictProba(ReadOnlySpan<float> images, int count);
}
