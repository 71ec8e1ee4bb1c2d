using Mnist.Data;
using Mnist.Models;
using Mnist.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Ensemble;

public sealed partial class ModelEnsemble
{
    /// <summary>
    /// Combined class probabilities (B × classes, float32, on the CPU, owned by the caller) for a batch of images of the
    /// members' input shape. Each member predicts in eval mode without gradients; see <see cref="Combination"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The images do not have the members' input shape.</exception>
    public Tensor PredictProba(Tensor images)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(images);
        if (_members.Count == 0) throw new InvalidOperationException("The ensemble has no members.");
        using var scope = NewDisposeScope();
        return CombineTensors(PredictMembers(images)).MoveToOuterDisposeScope();
    }

    /// <summary>Combined class probabilities for <paramref name="count"/> images stored one after another (see <see cref="IClassifier.PredictProba"/>).</summary>
    /// <exception cref="ArgumentException">The length of <paramref name="images"/> is not <paramref name="count"/> images.</exception>
    public ClassProbabilities PredictProba(ReadOnlySpan<float> images, int count)
    {
        ThrowIfDisposed();
        return TensorPrediction.PredictProba(this, images, count);
    }

    /// <summary>Every member's own class probabilities (one per member, in member order) for <paramref name="data"/>, in one pass.</summary>
    /// <param name="data">Batches (labels are ignored).</param>
    /// <param name="cancellationToken">Stops the prediction.</param>
    public IReadOnlyList<ClassProbabilities> PredictMemberProba(IBatchSource data, CancellationToken cancellationToken = default) =>
        Collect(data, collectMembers: true, collectLabels: false, cancellationToken).Members;

    /// <summary>
    /// Every member's loss and accuracy and the ensemble's, in one pass over <paramref name="data"/> (each member predicts
    /// each batch once). Every loss is the definition of <see cref="ClassifierDataExtensions.Evaluate(IClassifier, IBatchSource, CancellationToken)"/>,
    /// <see cref="ClassProbabilities.CrossEntropy"/> of the (member or combined) float32 probabilities; a member's loss
    /// therefore equals its own <c>Evaluate</c> loss.
    /// </summary>
    /// <param name="data">Batches with labels, e.g. <c>test.Batches(256)</c>.</param>
    /// <param name="cancellationToken">Stops the evaluation.</param>
    /// <exception cref="ArgumentException">No samples, or a label outside [0, classes).</exception>
    public EnsembleEvaluation Evaluate(IBatchSource data, CancellationToken cancellationToken = default)
    {
        var (members, combined, labels) = Collect(data, collectMembers: true, collectLabels: true, cancellationToken);
        if (labels.Length == 0) throw new ArgumentException("The evaluation source yielded no samples.", nameof(data));
        var scores = new List<MemberEvaluation>(members.Count);
        for (int m = 0; m < members.Count; m++)
        {
            scores.Add(new MemberEvaluation(m + 1, members[m].CrossEntropy(labels), members[m].Accuracy(labels)));
        }

        var ensemble = new EvaluationResult(combined.CrossEntropy(labels), combined.Accuracy(labels), labels.Length);
        return new EnsembleEvaluation(scores, ensemble, Combination) { Probabilities = combined };
    }

    /// <summary>Evaluates on a dataset in batches of <paramref name="batchSize"/> (default 256), in dataset order.</summary>
    /// <param name="data">Samples with labels.</param>
    /// <param name="batchSize">Samples per forward pass.</param>
    /// <param name="cancellationToken">Stops the evaluation.</param>
    public EnsembleEvaluation Evaluate(MnistDataset data, int batchSize = DefaultBatchSize.Evaluation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Evaluate(data.Batches(batchSize), cancellationToken);
    }

    /// <summary>Combines the members' (B, C) CPU float32 probabilities with <see cref="Combination"/> into a (B, C) CPU float32 tensor.</summary>
    private Tensor CombineTensors(IReadOnlyList<Tensor> members) =>
        ProbabilityCombination.Combine(members, Combination, Combination == EnsembleCombination.WeightedMean ? Weights : null);

    /// <summary>Each member's (B, C) float32 probabilities on the CPU, in the current dispose scope.</summary>
    private List<Tensor> PredictMembers(Tensor images)
    {
        var result = new List<Tensor>(_members.Count);
        foreach (var member in _members) result.Add(member.Model.PredictProba(images));
        return result;
    }

    private (List<ClassProbabilities> Members, ClassProbabilities Combined, int[] Labels) Collect(IBatchSource data, bool collectMembers, bool collectLabels, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(data);
        if (_members.Count == 0) throw new InvalidOperationException("The ensemble has no members.");
        int classes = ClassCount;
        var parts = collectMembers ? _members.Select(_ => new List<float>()).ToArray() : [];
        var combined = new List<float>();
        var labels = new List<int>();
        foreach (var batch in data.GetBatches(0, cancellationToken))
        {
            using var scope = NewDisposeScope();
            using (batch)
            {
                var predictions = PredictMembers(batch.Images);
                for (int m = 0; m < parts.Length; m++) parts[m].AddRange(predictions[m].data<float>().ToArray());
                combined.AddRange(CombineTensors(predictions).data<float>().ToArray());
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

        int count = combined.Count / classes;
        var members = parts.Select(part => ClassProbabilities.Wrap(part.ToArray(), count, classes)).ToList();
        return (members, ClassProbabilities.Wrap(combined.ToArray(), count, classes), labels.ToArray());
    }
}
