using System.Globalization;
using Mnist.Data;
using Mnist.Models;
using Mnist.Training;

namespace Mnist.Ensemble;

/// <summary>
/// Trains the members of a <see cref="ModelEnsemble"/> one after another with Core's <see cref="SequentialModel.Fit(IBatchSource, FitOptions?, CancellationToken)"/>
/// (see <see cref="ModelEnsemble.Fit(Func{int, int, IBatchSource}, EnsembleFitOptions?, CancellationToken)"/>): a source and
/// callbacks per member, labelled progress, the members' training state, and a clean stop on cancellation.
/// </summary>
internal static class EnsembleTrainer
{
    /// <summary>Trains <paramref name="ensemble"/>'s members; what each did is returned.</summary>
    public static EnsembleTrainingResult Fit(ModelEnsemble ensemble, Func<int, int, IBatchSource> trainSource, EnsembleFitOptions? options, CancellationToken cancellationToken)
    {
        options = options?.Clone() ?? new EnsembleFitOptions();
        var schedule = options.ResolveSchedule();
        var sharedCallbacks = options.Callbacks?.ToList() ?? [];
        var members = ensemble.Members;
        if (members.Count == 0) throw new InvalidOperationException("The ensemble has no members to train.");
        var uncompiled = members.Where(m => m.Model.OptimizerOptions is null && !(options.SkipTrainedMembers && m.IsTrained)).Select(m => m.Number).ToArray();
        if (uncompiled.Length > 0)
            throw new InvalidOperationException($"Member(s) {string.Join(", ", uncompiled)} are not compiled: call member.Model.Compile(…) (or build with an OptimizerFactory) before Fit.");

        var results = new List<MemberTrainingResult>(members.Count);
        foreach (var member in members)
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
                    Progress = options.Progress is null ? null : new LabelledProgress(options.Progress, ensemble.LabelOf(member)),
                };
                model.Fit(source, memberOptions, cancellationToken);

                member.IsTrained = true;
                results.Add(new MemberTrainingResult(member.Number, member.Seed, NewEpochs(model, historyStart), Completed: true, Skipped: false));
            }
            catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
            {
                results.Add(new MemberTrainingResult(member.Number, member.Seed, NewEpochs(model, historyStart), Completed: false, Skipped: false));
                var trained = ensemble.TrainedMembers.Select(m => m.Number).ToArray();
                int done = model.History.Epochs.Count - historyStart;
                string where = string.Create(CultureInfo.InvariantCulture, $"after {done} of {schedule.TotalEpochs} epoch{(schedule.TotalEpochs == 1 ? "" : "s")}");
                string message = $"Ensemble training was cancelled at {ensemble.LabelOf(member)} ({where}); "
                                 + (trained.Length == 0 ? "no member is trained." : $"trained members: {string.Join(", ", trained)}.");
                throw new EnsembleTrainingCanceledException(message, new EnsembleTrainingResult(schedule, results), trained, ex, cancellationToken);
            }
        }

        return new EnsembleTrainingResult(schedule, results);
    }

    private static TrainingHistory NewEpochs(SequentialModel model, int start) => new(model.History.Epochs.Skip(start));
}
