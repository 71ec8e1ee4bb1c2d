using Mnist.Batching;
using Mnist.Data;
using Mnist.Models;
using Mnist.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Ensemble;

public sealed partial class ModelEnsemble
{
    /// <summary>
    /// Combined class probabilities (B × classes, float32, on the CPU) for a batch of images of the members' input shape.
    /// Each member predicts in eval mode without gradients; see <see cref="Combination"/>. The caller owns the tensor.
    /// </summary>
    /// <exception cref="ArgumentException">The images do not have the members' input shape.</exception>
    public Tensor PredictProba(Tensor images)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(images);
        var members = PredictMembers(images);
        var combined = Combine(members);
        var result = torch.empty([combined.GetLength(0), combined.GetLength(1)], ScalarType.Float32);
        using (var accessor = result.data<float>()) accessor.CopyFrom(Flatten(combined));
        return result;
    }

    /// <summary>Combined class probabilities (N × classes) for every sample of <paramref name="data"/>, in its order (the notebook's <c>predict_proba</c>).</summary>
    /// <param name="data">Batches of any size (labels are ignored).</param>
    /// <param name="cancellationToken">Stops the prediction.</param>
    public float[,] PredictProba(IBatchSource data, CancellationToken cancellationToken = default) =>
        Combine(Collect(data, collectLabels: false, cancellationToken).Members);

    /// <summary>Combined class probabilities for every sample of <paramref name="data"/>, in dataset order.</summary>
    /// <param name="data">The samples.</param>
    /// <param name="batchSize">Samples per forward pass (default <see cref="DefaultBatchSize.Evaluation"/>, 256; the result does not depend on it).</param>
    /// <param name="cancellationToken">Stops the prediction.</param>
    public float[,] PredictProba(MnistDataset data, int batchSize = DefaultBatchSize.Evaluation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        return PredictProba(data.Batches(batchSize), cancellationToken);
    }

    /// <summary>Every member's own class probabilities (one N × classes matrix per member) for <paramref name="data"/>, in one pass.</summary>
    /// <param name="data">Batches (labels are ignored).</param>
    /// <param name="cancellationToken">Stops the prediction.</param>
    public IReadOnlyList<float[,]> PredictMemberProba(IBatchSource data, CancellationToken cancellationToken = default) =>
        Collect(data, collectLabels: false, cancellationToken).Members;

    /// <summary>The most probable class of every sample by the combined probabilities (first maximum on ties).</summary>
    public int[] PredictClasses(IBatchSource data, CancellationToken cancellationToken = default) => SequentialModel.ArgMax(PredictProba(data, cancellationToken));

    /// <summary>The most probable class of every sample of <paramref name="data"/>, in dataset order.</summary>
    public int[] PredictClasses(MnistDataset data, int batchSize = DefaultBatchSize.Evaluation, CancellationToken cancellationToken = default) => SequentialModel.ArgMax(PredictProba(data, batchSize, cancellationToken));

    /// <summary>
    /// Every member's loss and accuracy and the ensemble's, in one pass over <paramref name="data"/> (each member predicts
    /// each batch once). Losses are the mean cross-entropy of the (member or combined) float32 probabilities, floored at
    /// <see cref="ProbabilityCombination.ProbabilityFloor"/>; a member's loss therefore equals its
    /// <see cref="SequentialModel.Evaluate(IBatchSource, CancellationToken)"/> loss to float precision unless it gives a
    /// true class less than that probability.
    /// </summary>
    /// <param name="data">Batches with labels, e.g. <c>test.Batches(256)</c>.</param>
    /// <param name="cancellationToken">Stops the evaluation.</param>
    /// <exception cref="ArgumentException">No samples, or a label outside [0, classes).</exception>
    public EnsembleEvaluation Evaluate(IBatchSource data, CancellationToken cancellationToken = default)
    {
        var (members, labels) = Collect(data, collectLabels: true, cancellationToken);
        if (labels.Length == 0) throw new ArgumentException("The evaluation source yielded no samples.", nameof(data));
        var scores = new List<MemberEvaluation>(members.Count);
        for (int m = 0; m < members.Count; m++)
        {
            scores.Add(new MemberEvaluation(m + 1, ProbabilityCombination.CrossEntropy(members[m], labels), Accuracy(members[m], labels)));
        }

        var combined = Combine(members);
        var ensemble = new EvaluationResult(ProbabilityCombination.CrossEntropy(combined, labels), Accuracy(combined, labels), labels.Length);
        return new EnsembleEvaluation(scores, ensemble, Combination) { Probabilities = combined };
    }

    /// <summary>Evaluates on a dataset in batches of <paramref name="batchSize"/> (default <see cref="DefaultBatchSize.Evaluation"/>, 256), in dataset order.</summary>
    public EnsembleEvaluation Evaluate(MnistDataset data, int batchSize = DefaultBatchSize.Evaluation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Evaluate(data.Batches(batchSize), cancellationToken);
    }

    private float[,] Combine(IReadOnlyList<float[,]> members) =>
        ProbabilityCombination.Combine(members, Combination, Combination == EnsembleCombination.WeightedMean ? Weights : null);

    private List<float[,]> PredictMembers(Tensor images)
    {
        var result = new List<float[,]>(_members.Count);
        foreach (var member in _members)
        {
            using var probabilities = member.Model.PredictProba(images);
            using var onCpu = probabilities.cpu();
            var values = onCpu.data<float>().ToArray();
            int classes = (int)onCpu.shape[1];
            var matrix = new float[values.Length / classes, classes];
            Buffer.BlockCopy(values, 0, matrix, 0, values.Length * sizeof(float));
            result.Add(matrix);
        }

        return result;
    }

    private (List<float[,]> Members, int[] Labels) Collect(IBatchSource data, bool collectLabels, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(data);
        if (_members.Count == 0) throw new InvalidOperationException("The ensemble has no members.");
        int classes = ClassCount;
        var parts = _members.Select(_ => new List<float>()).ToArray();
        var labels = new List<int>();
        foreach (var batch in data.GetBatches(0, cancellationToken))
        {
            using (batch)
            {
                var predictions = PredictMembers(batch.Images);
                for (int m = 0; m < predictions.Count; m++) parts[m].AddRange(Flatten(predictions[m]));
                if (collectLabels)
                {
                    using var cpuLabels = batch.Labels.cpu();
                    foreach (long label in cpuLabels.data<long>().ToArray())
                    {
                        if (label < 0 || label >= classes)
                            throw new ArgumentException($"Labels must be class indices in [0, {classes}); found {label}.", nameof(data));
                        labels.Add((int)label);
                    }
                }
            }
        }

        var members = new List<float[,]>(parts.Length);
        foreach (var part in parts)
        {
            var matrix = new float[part.Count / classes, classes];
            Buffer.BlockCopy(part.ToArray(), 0, matrix, 0, part.Count * sizeof(float));
            members.Add(matrix);
        }

        return (members, labels.ToArray());
    }

    private static float[] Flatten(float[,] matrix)
    {
        var flat = new float[matrix.Length];
        Buffer.BlockCopy(matrix, 0, flat, 0, matrix.Length * sizeof(float));
        return flat;
    }

    private static double Accuracy(float[,] probabilities, int[] labels)
    {
        var predicted = SequentialModel.ArgMax(probabilities);
        int correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            if (predicted[i] == labels[i]) correct++;
        }

        return (double)correct / labels.Length;
    }
}
