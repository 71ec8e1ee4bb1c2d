using Mnist.Data;
using Mnist.Training;
using static TorchSharp.torch;

namespace Mnist.Models;

/// <summary>
/// Anything that assigns class probabilities to images: a <see cref="SequentialModel"/>, an ensemble of them, or another
/// backend. One contract for prediction and evaluation, whatever the implementation.
/// </summary>
public interface IClassifier : IDisposable
{
    /// <summary>The shape of one input image without the batch dimension, e.g. (1, 28, 28).</summary>
    TensorShape InputShape { get; }

    /// <summary>How many classes the probabilities cover.</summary>
    int ClassCount { get; }

    /// <summary>
    /// Class probabilities for a batch of images (float32, (B, <see cref="InputShape"/>…), on any device, on the scale the
    /// classifier was trained on), in eval mode without gradients. The result is always a new (B, <see cref="ClassCount"/>)
    /// float32 tensor <b>on the CPU</b>, owned by the caller; the input is not disposed.
    /// </summary>
    /// <param name="images">The batch.</param>
    /// <exception cref="ArgumentException">The images do not have <see cref="InputShape"/> or are not float32.</exception>
    Tensor PredictProba(Tensor images);

    /// <summary>Class probabilities for every sample of <paramref name="data"/>, in its order (labels are ignored).</summary>
    /// <param name="data">Batches of any size; the result does not depend on it.</param>
    /// <param name="cancellationToken">Stops the prediction.</param>
    ClassProbabilities PredictProba(IBatchSource data, CancellationToken cancellationToken = default);

    /// <summary>
    /// Accuracy and loss on <paramref name="data"/>. The loss is always <see cref="ClassProbabilities.CrossEntropy"/> of the
    /// predicted float32 probabilities: −(1/N) Σ ln max(p[n, yₙ], <see cref="ClassProbabilities.ProbabilityFloor"/>).
    /// </summary>
    /// <param name="data">Batches with labels.</param>
    /// <param name="cancellationToken">Stops the evaluation.</param>
    /// <exception cref="ArgumentException">No samples, or a label outside [0, <see cref="ClassCount"/>).</exception>
    EvaluationResult Evaluate(IBatchSource data, CancellationToken cancellationToken = default);
}
