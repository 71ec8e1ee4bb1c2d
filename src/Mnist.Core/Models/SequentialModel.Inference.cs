using Mnist.Data;
using Mnist.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Models;

public sealed partial class SequentialModel
{
    /// <summary>Serialises predictions: switching to eval mode and refreshing the bfloat16 copy are not thread-safe.</summary>
    private readonly object _predictionLock = new();

    /// <summary>
    /// Class probabilities for a batch of images (float32, (B, 1, H, W), on any device, the scale the model was trained on;
    /// 0–255 for the presets). Eval mode, no gradients. The result is a new (B, classes) float32 tensor on the CPU (see
    /// <see cref="ITensorClassifier.PredictProba"/>), owned by the caller. Safe to call from several threads at once.
    /// </summary>
    /// <exception cref="ArgumentException">The images do not have the model's input shape.</exception>
    public Tensor PredictProba(Tensor images)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(images);
        lock (_predictionLock)
        {
            return PredictProbaLocked(images);
        }
    }

    private Tensor PredictProbaLocked(Tensor images)
    {
        bool wasTraining = EnterEvaluation();
        try
        {
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            var probabilities = nn.functional.softmax(ForwardChecked(images), 1);
            if (probabilities.device_type != DeviceType.CPU) probabilities = probabilities.cpu();
            return probabilities.MoveToOuterDisposeScope();
        }
        finally
        {
            if (wasTraining) Active.train();
        }
    }

    /// <summary>
    /// Class probabilities for <paramref name="count"/> images stored one after another (see
    /// <see cref="IClassifier.PredictProba"/>), predicted in chunks of <see cref="DefaultBatchSize.Evaluation"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The length of <paramref name="images"/> is not <paramref name="count"/> images.</exception>
    public ClassProbabilities PredictProba(ReadOnlySpan<float> images, int count)
    {
        ThrowIfDisposed();
        return TensorPrediction.PredictProba(this, images, count);
    }

    /// <summary>
    /// Puts the network in evaluation mode (a walk over its modules only when it is in training mode) and brings a
    /// bfloat16 compute copy up to date; returns whether it was training, for the caller to restore.
    /// </summary>
    private bool EnterEvaluation()
    {
        bool wasTraining = Active.training;
        if (wasTraining) Active.eval();
        _compute?.PullParameters();
        return wasTraining;
    }

    private Tensor ForwardChecked(Tensor images)
    {
        var shape = images.shape; // one native call; the checks below reuse it
        var expected = _inputShapeWithBatch;
        bool fits = shape.Length == expected.Length;
        for (int i = 1; fits && i < shape.Length; i++) fits = shape[i] == expected[i];
        if (!fits)
            throw new ArgumentException($"Images of shape ({string.Join(", ", shape)}) do not fit the model's input {InputShape}.", nameof(images));
        if (images.dtype != ScalarType.Float32)
            throw new ArgumentException($"Images must be float32 (got {images.dtype}); convert with .to(torch.float32).", nameof(images));
        var x = images.device_type == Device.type ? images : images.to(Device);
        return ForwardActive(x);
    }

    /// <summary>Checks a training batch before it reaches native code: image shape and label range.</summary>
    private void CheckBatch(Mnist.Data.Batch batch, long classes)
    {
        var shape = batch.Images.shape;
        if (!shape.Skip(1).SequenceEqual(InputShape.WithBatch(0).Skip(1)))
            throw new ArgumentException($"A training batch has images of shape ({string.Join(", ", shape)}), which do not fit the model's input {InputShape}.");
        CheckLabels(batch.Labels, classes);
    }

    private static void CheckLabels(Tensor labels, long classes)
    {
        if (labels.numel() == 0) return;
        long max = labels.max().item<long>(), min = labels.min().item<long>();
        if (min < 0 || max >= classes)
            throw new ArgumentException($"Labels must be class indices in [0, {classes}); found values from {min} to {max}.");
    }
}
