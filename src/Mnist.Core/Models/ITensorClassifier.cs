using static TorchSharp.torch;

namespace Mnist.Models;

/// <summary>
/// An <see cref="IClassifier"/> that computes with TorchSharp and takes tensors directly (a <see cref="SequentialModel"/>
/// or an ensemble of them), so that batches already in a tensor are not copied to arrays and back.
/// </summary>
public interface ITensorClassifier : IClassifier
{
    /// <summary>
    /// Class probabilities for a batch of images (float32, (B, <see cref="IClassifier.InputShape"/>…), on any device, on
    /// the scale the classifier was trained on), in eval mode without gradients. The result is always a new
    /// (B, <see cref="IClassifier.ClassCount"/>) float32 tensor <b>on the CPU</b>, owned by the caller; the input is not
    /// disposed.
    /// </summary>
    /// <param name="images">The batch.</param>
    /// <exception cref="ArgumentException">The images do not have <see cref="IClassifier.InputShape"/> or are not float32.</exception>
    Tensor PredictProba(Tensor images);
}
