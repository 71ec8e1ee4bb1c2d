using Mnist.Data;
using Mnist.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Models;

public sealed partial class SequentialModel
{
    /// <summary>
    /// Accuracy and mean categorical cross-entropy on <paramref name="data"/> (Keras <c>evaluate</c>), in eval mode
    /// (dropout off, batch-norm moving statistics) without gradients. The loss is the <see cref="IClassifier.Evaluate"/>
    /// definition: the cross-entropy of the float32 softmax probabilities floored at
    /// <see cref="ClassProbabilities.ProbabilityFloor"/>, summed in double precision. The result does not depend on the
    /// batch size.
    /// </summary>
    /// <param name="data">Batches with labels, e.g. <c>test.Batches(256)</c>.</param>
    /// <param name="cancellationToken">Stops the evaluation.</param>
    /// <exception cref="ArgumentException">No samples, or a label outside [0, classes).</exception>
    public EvaluationResult Evaluate(IBatchSource data, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(data);
        bool wasTraining = EnterEvaluation();
        try
        {
            using var _ = no_grad();
            double lossSum = 0;
            long correct = 0;
            int count = 0;
            foreach (var batch in data.GetBatches(0, cancellationToken))
            {
                using var scope = NewDisposeScope();
                using (batch)
                {
                    var probabilities = nn.functional.softmax(ForwardChecked(batch.Images), 1);
                    var labels = Device.type == DeviceType.CPU ? batch.Labels : batch.Labels.to(Device);
                    CheckLabels(labels, probabilities.shape[1]);
                    lossSum -= probabilities.gather(1, labels.unsqueeze(1)).to(float64).clamp_min(ClassProbabilities.ProbabilityFloor).log().sum().item<double>();
                    correct += probabilities.argmax(1).eq(labels).sum().item<long>();
                    count += batch.Count;
                }
            }

            if (count == 0) throw new ArgumentException("The evaluation source yielded no samples.", nameof(data));
            return new EvaluationResult(lossSum / count, (double)correct / count, count);
        }
        finally
        {
            if (wasTraining) Active.train();
        }
    }

    /// <summary>Evaluates on a dataset in batches of <paramref name="batchSize"/> (default 256), in dataset order.</summary>
    /// <param name="data">Samples with labels.</param>
    /// <param name="batchSize">Samples per forward pass.</param>
    /// <param name="cancellationToken">Stops the evaluation.</param>
    public EvaluationResult Evaluate(MnistDataset data, int batchSize = DefaultBatchSize.Evaluation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Evaluate(data.Batches(batchSize), cancellationToken);
    }

    /// <summary>
    /// Class probabilities for a batch of images (float32, (B, 1, H, W), on any device, the scale the model was trained on;
    /// 0–255 for the presets). Eval mode, no gradients. The result is a new (B, classes) float32 tensor on the CPU (see
    /// <see cref="IClassifier.PredictProba(Tensor)"/>), owned by the caller.
    /// </summary>
    /// <exception cref="ArgumentException">The images do not have the model's input shape.</exception>
    public Tensor PredictProba(Tensor images)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(images);
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

    /// <summary>Class probabilities for every sample of <paramref name="data"/>, in its order (Keras <c>predict_proba</c>).</summary>
    /// <param name="data">Batches (labels are ignored).</param>
    /// <param name="cancellationToken">Stops the prediction.</param>
    public ClassProbabilities PredictProba(IBatchSource data, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(data);
        var values = new List<float>();
        int classes = ClassCount;
        foreach (var batch in data.GetBatches(0, cancellationToken))
        {
            using (batch)
            using (var probabilities = PredictProba(batch.Images))
            {
                values.AddRange(probabilities.data<float>().ToArray());
            }
        }

        return ClassProbabilities.Wrap(values.ToArray(), values.Count / classes, classes);
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
