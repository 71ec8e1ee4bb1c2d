using Mnist.Batching;
using Mnist.Data;
using Mnist.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Models;

public sealed partial class SequentialModel
{
    /// <summary>
    /// Mean categorical cross-entropy and accuracy on <paramref name="data"/> (Keras <c>evaluate</c>), in eval mode
    /// (dropout off, batch-norm moving statistics) without gradients. The result does not depend on the batch size.
    /// </summary>
    /// <param name="data">Batches with labels, e.g. <c>test.Batches(256)</c>.</param>
    /// <param name="cancellationToken">Stops the evaluation.</param>
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
                    var logits = ForwardChecked(batch.Images);
                    var labels = Device.type == DeviceType.CPU ? batch.Labels : batch.Labels.to(Device);
                    CheckLabels(labels, logits.shape[1]);
                    lossSum += nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.Sum).to(float64).item<double>();
                    correct += logits.argmax(1).eq(labels).sum().item<long>();
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

    /// <summary>Evaluates on a dataset in batches of <paramref name="batchSize"/> (default <see cref="DefaultBatchSize.Evaluation"/>, 256), in dataset order.</summary>
    public EvaluationResult Evaluate(MnistDataset data, int batchSize = DefaultBatchSize.Evaluation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Evaluate(data.Batches(batchSize), cancellationToken);
    }

    /// <summary>
    /// Class probabilities for a batch of images (float32, (B, 1, H, W), the scale the model was trained on; 0–255 for the
    /// presets). Eval mode, no gradients. The returned tensor (on <see cref="Device"/>) belongs to the caller.
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
            var logits = ForwardChecked(images);
            return nn.functional.softmax(logits, 1).MoveToOuterDisposeScope();
        }
        finally
        {
            if (wasTraining) Active.train();
        }
    }

    /// <summary>Class probabilities (N × classes) for every sample of <paramref name="data"/> (Keras <c>predict_proba</c>).</summary>
    /// <param name="data">Batches (labels are ignored).</param>
    /// <param name="cancellationToken">Stops the prediction.</param>
    public float[,] PredictProba(IBatchSource data, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(data);
        var rows = new List<float[]>();
        int classes = ClassCount;
        foreach (var batch in data.GetBatches(0, cancellationToken))
        {
            using (batch)
            using (var probabilities = PredictProba(batch.Images))
            using (var onCpu = probabilities.cpu())
            {
                rows.Add(onCpu.data<float>().ToArray());
            }
        }

        int count = rows.Sum(r => r.Length) / classes;
        var result = new float[count, classes];
        int offset = 0;
        foreach (var row in rows)
        {
            Buffer.BlockCopy(row, 0, result, offset * sizeof(float), row.Length * sizeof(float));
            offset += row.Length;
        }

        return result;
    }

    /// <summary>Class probabilities (N × classes) for every sample of <paramref name="data"/>, in dataset order.</summary>
    public float[,] PredictProba(MnistDataset data, int batchSize = DefaultBatchSize.Evaluation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        return PredictProba(data.Batches(batchSize), cancellationToken);
    }

    /// <summary>The most probable class of every sample (Keras <c>predict_classes</c>).</summary>
    public int[] PredictClasses(IBatchSource data, CancellationToken cancellationToken = default) => ArgMax(PredictProba(data, cancellationToken));

    /// <summary>The most probable class of every sample of <paramref name="data"/>, in dataset order.</summary>
    public int[] PredictClasses(MnistDataset data, int batchSize = DefaultBatchSize.Evaluation, CancellationToken cancellationToken = default) => ArgMax(PredictProba(data, batchSize, cancellationToken));

    /// <summary>Row-wise arg-max of a probability matrix (first maximum on ties).</summary>
    public static int[] ArgMax(float[,] probabilities)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        int n = probabilities.GetLength(0), c = probabilities.GetLength(1);
        var result = new int[n];
        for (int i = 0; i < n; i++)
        {
            int best = 0;
            for (int j = 1; j < c; j++)
            {
                if (probabilities[i, j] > probabilities[i, best]) best = j;
            }

            result[i] = best;
        }

        return result;
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
    private void CheckBatch(Mnist.Batching.Batch batch, long classes)
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
