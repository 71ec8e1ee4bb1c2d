using System.Globalization;
using Mnist.Data;
using Mnist.Training;

namespace Mnist.Ensemble;

public sealed partial class ModelEnsemble
{
    /// <summary>
    /// Trains every member on a dataset in shuffled batches of <see cref="DefaultBatchSize.Training"/>, each member in its
    /// own order (seeded with <see cref="EnsembleMember.Seed"/>): <c>ensemble.Fit(train, new() { Schedule = TrainingSchedule.NotebookLongFit(1, 1) })</c>.
    /// For another batch size or augmentation use the source-factory overload.
    /// </summary>
    /// <param name="train">Training samples.</param>
    /// <param name="options">Epochs or schedule, validation, callbacks, progress, skipping; <see langword="null"/>: one epoch.</param>
    /// <param name="cancellationToken">Stops training.</param>
    /// <returns>What each member did.</returns>
    /// <exception cref="EnsembleTrainingCanceledException">Cancelled; finished members stay trained.</exception>
    public EnsembleTrainingResult Fit(MnistDataset train, EnsembleFitOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        return Fit((_, seed) => train.Batches(DefaultBatchSize.Training, shuffle: true, seed: seed), options, cancellationToken);
    }

    /// <summary>
    /// Trains the members one after another, each with the member's <c>SequentialModel.Fit</c> on the source
    /// <paramref name="trainSource"/>(memberIndex, memberSeed) creates — e.g. <c>(i, seed) =&gt; train.Batches(64, shuffle: true, seed: seed)</c>,
    /// an augmenting generator seeded per member, or <c>(_, _) =&gt; source</c> for one shared source. A member is marked
    /// trained when it completes the schedule.
    /// </summary>
    /// <param name="trainSource">Creates the training source of a member from its 0-based index and its seed (called once per member).</param>
    /// <param name="options">Epochs or schedule, validation, callbacks, progress, per-member callbacks, and whether to skip trained members; <see langword="null"/>: one epoch.</param>
    /// <param name="cancellationToken">Stops training cleanly (the current member keeps its last complete epoch).</param>
    /// <returns>What each member did.</returns>
    /// <exception cref="EnsembleTrainingCanceledException">Cancelled; the exception lists the trained members and the partial result.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the exception names the property).</exception>
    /// <exception cref="InvalidOperationException">The ensemble is empty or a member is not compiled.</exception>
    /// <exception cref="TrainingDivergedException">A member's loss became NaN/infinite (that member is restored to the start of the epoch; earlier members stay trained).</exception>
    public EnsembleTrainingResult Fit(Func<int, int, IBatchSource> trainSource, EnsembleFitOptions? options = null, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(trainSource);
        options = options?.Clone() ?? new EnsembleFitOptions();
        var schedule = options.ResolveSchedule();
        var sharedCallbacks = options.Callbacks?.ToList() ?? [];
        if (_members.Count == 0) throw new InvalidOperationException("The ensemble has no members to train.");
        var uncompiled = _members.Where(m => m.Model.OptimizerOptions is null && !(options.SkipTrainedMembers && m.IsTrained)).Select(m => m.Number).ToArray();
        if (uncompiled.Length > 0)
            throw new InvalidOperationException($"Member(s) {string.Join(", ", uncompiled)} are not compiled: call member.Model.Compile(…) (or build with an OptimizerFactory) before Fit.");

        var results = new List<MemberTrainingResult>(_members.Count);
        foreach (var member in _members)
        {
            if (options.SkipTrainedMembers && member.IsTrained)
            {
                results.Add(new MemberTrainingResult(member.Number, member.Seed, new TrainingHistory(), Completed: false, Skipped: true));
                continue;
            }

            var model = member.Model;
            int historyStart = model.History.Epochs.Count;
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                member.IsTrained = false;
                var source = trainSource(member.Index, member.Seed)
                    ?? throw new InvalidOperationException($"The training-source factory returned null for member {member.Number}.");
                var memberOptions = new FitOptions
                {
                    Schedule = schedule,
                    Validation = options.Validation,
                    Callbacks = [.. sharedCallbacks, .. options.MemberCallbacks?.Invoke(member.Index) ?? []],
                    Progress = options.Progress is null ? null : new LabelledProgress(options.Progress, LabelOf(member)),
                };
                model.Fit(source, memberOptions, cancellationToken);

                member.IsTrained = true;
                results.Add(new MemberTrainingResult(member.Number, member.Seed, NewEpochs(model, historyStart), Completed: true, Skipped: false));
            }
            catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
            {
                results.Add(new MemberTrainingResult(member.Number, member.Seed, NewEpochs(model, historyStart), Completed: false, Skipped: false));
                var trained = TrainedMembers.Select(m => m.Number).ToArray();
                int done = model.History.Epochs.Count - historyStart;
                string where = string.Create(CultureInfo.InvariantCulture, $"after {done} of {schedule.TotalEpochs} epoch{(schedule.TotalEpochs == 1 ? "" : "s")}");
                string message = $"Ensemble training was cancelled at {LabelOf(member)} ({where}); "
                                 + (trained.Length == 0 ? "no member is trained." : $"trained members: {string.Join(", ", trained)}.");
                throw new EnsembleTrainingCanceledException(message, new EnsembleTrainingResult(schedule, results), trained, ex, cancellationToken);
            }
        }

        return new EnsembleTrainingResult(schedule, results);
    }

    private static TrainingHistory NewEpochs(Models.SequentialModel model, int start) => new(model.History.Epochs.Skip(start));
}
