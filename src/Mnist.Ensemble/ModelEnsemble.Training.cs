using System.Globalization;
using Mnist.Batching;
using Mnist.Data;
using Mnist.Training;
using Mnist.Training.Progress;

namespace Mnist.Ensemble;

public sealed partial class ModelEnsemble
{
    /// <summary>
    /// Trains every member for <paramref name="epochs"/> epochs at its current learning rate (the notebook's <c>fit</c>) on
    /// the same source. A shuffling source gives every member the same order; use the factory overload for per-member orders.
    /// </summary>
    /// <param name="train">Training batches, e.g. <c>train.Batches(64, shuffle: true)</c>.</param>
    /// <param name="epochs">Epochs per member (default 1).</param>
    /// <param name="validation">Evaluated after each epoch of each member when given.</param>
    /// <param name="progress">Receives every member's reports, labelled <c>member i/n</c>.</param>
    /// <param name="cancellationToken">Stops training; see <see cref="EnsembleTrainingCanceledException"/>.</param>
    /// <exception cref="EnsembleTrainingCanceledException">Cancelled; finished members stay trained.</exception>
    public EnsembleTrainingResult Fit(IBatchSource train, int epochs = 1, IBatchSource? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Fit(train, TrainingSchedule.Epochs(epochs), validation, progress, cancellationToken);

    /// <summary>Trains every member with <paramref name="schedule"/> on the same source (e.g. <see cref="TrainingSchedule.NotebookLongFit"/>).</summary>
    /// <param name="train">Training batches.</param>
    /// <param name="schedule">The phases (learning rate, epochs).</param>
    /// <param name="validation">Evaluated after each epoch of each member when given.</param>
    /// <param name="progress">Receives every member's reports, labelled.</param>
    /// <param name="cancellationToken">Stops training.</param>
    /// <exception cref="EnsembleTrainingCanceledException">Cancelled; finished members stay trained.</exception>
    public EnsembleTrainingResult Fit(IBatchSource train, TrainingSchedule schedule, IBatchSource? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        return Fit((_, _) => train, new EnsembleFitOptions { Schedule = schedule, Validation = validation, Progress = progress }, cancellationToken);
    }

    /// <summary>Trains every member on the same source with full <paramref name="options"/> (schedule, validation, callbacks, progress, skipping).</summary>
    /// <param name="train">Training batches.</param>
    /// <param name="options">What and how to train.</param>
    /// <param name="cancellationToken">Stops training.</param>
    /// <exception cref="EnsembleTrainingCanceledException">Cancelled; finished members stay trained.</exception>
    public EnsembleTrainingResult Fit(IBatchSource train, EnsembleFitOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        return Fit((_, _) => train, options, cancellationToken);
    }

    /// <summary>
    /// Trains every member with <paramref name="schedule"/> on a dataset, each member in its own shuffled order (seeded with
    /// <see cref="EnsembleMember.Seed"/>).
    /// </summary>
    /// <param name="train">Training samples.</param>
    /// <param name="schedule">The phases.</param>
    /// <param name="batchSize">Samples per batch (default 64, the notebook's).</param>
    /// <param name="validation">Evaluated after each epoch of each member when given.</param>
    /// <param name="progress">Receives every member's reports, labelled.</param>
    /// <param name="cancellationToken">Stops training.</param>
    /// <exception cref="EnsembleTrainingCanceledException">Cancelled; finished members stay trained.</exception>
    public EnsembleTrainingResult Fit(MnistDataset train, TrainingSchedule schedule, int batchSize = 64, MnistDataset? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        return Fit(
            (_, seed) => train.Batches(batchSize, shuffle: true, seed: seed),
            new EnsembleFitOptions { Schedule = schedule, Validation = validation?.Batches(Math.Max(batchSize, 256)), Progress = progress },
            cancellationToken);
    }

    /// <summary>
    /// Trains every member with <paramref name="schedule"/> on its own source, created by
    /// <paramref name="trainSource"/>(memberIndex, memberSeed) — e.g. <c>(i, seed) =&gt; train.Batches(64, shuffle: true, seed: seed)</c>
    /// or an augmenting generator seeded per member.
    /// </summary>
    /// <param name="trainSource">Creates the training source of a member from its 0-based index and its seed.</param>
    /// <param name="schedule">The phases.</param>
    /// <param name="validation">Evaluated after each epoch of each member when given.</param>
    /// <param name="progress">Receives every member's reports, labelled.</param>
    /// <param name="cancellationToken">Stops training.</param>
    /// <exception cref="EnsembleTrainingCanceledException">Cancelled; finished members stay trained.</exception>
    public EnsembleTrainingResult Fit(Func<int, int, IBatchSource> trainSource, TrainingSchedule schedule, IBatchSource? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Fit(trainSource, new EnsembleFitOptions { Schedule = schedule, Validation = validation, Progress = progress }, cancellationToken);

    /// <summary>
    /// Trains the members one after another: for each phase of the schedule, sets the learning rate (when the phase has
    /// one) and calls the member's <c>Fit</c> on the source <paramref name="trainSource"/>(memberIndex, memberSeed) creates.
    /// A member is marked trained when it completes the schedule.
    /// </summary>
    /// <param name="trainSource">Creates the training source of a member from its 0-based index and its seed (called once per member).</param>
    /// <param name="options">Schedule, validation, callbacks, progress, and whether to skip trained members.</param>
    /// <param name="cancellationToken">Stops training cleanly (the current member keeps its last complete epoch).</param>
    /// <returns>What each member did.</returns>
    /// <exception cref="EnsembleTrainingCanceledException">Cancelled; the exception lists the trained members and the partial result.</exception>
    /// <exception cref="InvalidOperationException">The ensemble is empty or a member is not compiled.</exception>
    /// <exception cref="TrainingDivergedException">A member's loss became NaN/infinite (that member is restored to the start of the epoch; earlier members stay trained).</exception>
    public EnsembleTrainingResult Fit(Func<int, int, IBatchSource> trainSource, EnsembleFitOptions options, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(trainSource);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (_members.Count == 0) throw new InvalidOperationException("The ensemble has no members to train.");
        var uncompiled = _members.Where(m => m.Model.OptimizerOptions is null && !(options.SkipTrainedMembers && m.IsTrained)).Select(m => m.Number).ToArray();
        if (uncompiled.Length > 0)
            throw new InvalidOperationException($"Member(s) {string.Join(", ", uncompiled)} are not compiled: call member.Model.Compile(…) (or build with an OptimizerFactory) before Fit.");

        var schedule = options.Schedule;
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
            int phaseNumber = 0;
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                member.IsTrained = false;
                var source = trainSource(member.Index, member.Seed)
                    ?? throw new InvalidOperationException($"The training-source factory returned null for member {member.Number}.");
                var callbacks = options.Callbacks?.Invoke(member.Index)?.ToList();
                foreach (var phase in schedule.Phases)
                {
                    phaseNumber++;
                    if (phase.LearningRate is { } lr) model.LearningRate = lr;
                    var progress = options.Progress is null ? null : new LabelledProgress(options.Progress, ProgressLabel(member, schedule, phaseNumber));
                    model.Fit(source, phase.Epochs, options.Validation, callbacks, progress, cancellationToken);
                }

                member.IsTrained = true;
                results.Add(new MemberTrainingResult(member.Number, member.Seed, NewEpochs(model, historyStart), Completed: true, Skipped: false));
            }
            catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
            {
                results.Add(new MemberTrainingResult(member.Number, member.Seed, NewEpochs(model, historyStart), Completed: false, Skipped: false));
                var trained = TrainedMembers.Select(m => m.Number).ToArray();
                string where = phaseNumber == 0 ? "before it started" : string.Create(CultureInfo.InvariantCulture, $"in phase {phaseNumber}/{schedule.Phases.Count}");
                string message = $"Ensemble training was cancelled at {LabelOf(member)} ({where}); "
                                 + (trained.Length == 0 ? "no member is trained." : $"trained members: {string.Join(", ", trained)}.");
                throw new EnsembleTrainingCanceledException(message, new EnsembleTrainingResult(schedule, results), trained, ex, cancellationToken);
            }
        }

        return new EnsembleTrainingResult(schedule, results);
    }

    private string ProgressLabel(EnsembleMember member, TrainingSchedule schedule, int phaseNumber)
    {
        string label = LabelOf(member);
        if (schedule.Phases.Count == 1) return label;
        var phase = schedule.Phases[phaseNumber - 1];
        return label + string.Create(CultureInfo.InvariantCulture, $", phase {phaseNumber}/{schedule.Phases.Count}")
                     + (phase.LearningRate is { } lr ? string.Create(CultureInfo.InvariantCulture, $" (lr {lr})") : string.Empty);
    }

    private static TrainingHistory NewEpochs(Models.SequentialModel model, int start) => new(model.History.Epochs.Skip(start));
}
