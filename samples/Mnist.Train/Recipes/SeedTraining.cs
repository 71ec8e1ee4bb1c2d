using Mnist.Augmentation;
using Mnist.Data;
using Mnist.Ensemble;
using Mnist.Models;
using Mnist.Samples;
using Mnist.Training;

namespace Mnist.Train;

/// <summary>Builds and trains the ensemble of one seed; with <c>--seeds N</c>, the further seeds of the study.</summary>
internal sealed class SeedTraining(TrainSettings settings, SequentialBuilder architecture, ComputePrecision precision, MnistDataset train,
                                   AugmentationOptions augmentation, TrainingPlan plan, MnistDataset validation)
{
    /// <summary>The untrained ensemble of <paramref name="seed"/> (members seeded from it, as <see cref="EnsembleOptions.Seed"/> documents).</summary>
    public ModelEnsemble Build(int seed) => architecture.ToEnsemble(new EnsembleOptions
    {
        MemberCount = settings.Members,
        Seed = seed,
        Member = new ModelOptions { Precision = precision },
    }).Build();

    /// <summary>Trains <paramref name="ensemble"/> with the plan's schedule, validating on the hold-out (or the test set).</summary>
    public EnsembleTrainingResult Fit(ModelEnsemble ensemble, CancellationToken cancellationToken)
    {
        Func<int, int, IBatchSource> source = settings.Augment
            ? (_, memberSeed) => train.Augment(augmentation).Flow(settings.BatchSize, shuffle: true, seed: memberSeed)
            : (_, memberSeed) => train.Batches(settings.BatchSize, shuffle: true, seed: memberSeed);
        return ensemble.Fit(source, new EnsembleFitOptions
        {
            Schedule = plan.Schedule,
            Callbacks = plan.Callbacks,
            LabelSmoothing = settings.LabelSmoothing,
            Validation = validation.Batches(DefaultBatchSize.Evaluation),
            Progress = new KerasProgressBar(),
        }, cancellationToken);
    }

    /// <summary>
    /// Trains and evaluates the seeds after the first (whose <paramref name="first"/> evaluation is given) and summarises
    /// all of them. An interruption ends the study with the seeds finished so far (<see cref="SeedStudyReport.Interrupted"/>).
    /// </summary>
    public SeedStudyReport RunStudy(EnsembleEvaluation first, MnistDataset test, TextWriter log, CancellationToken cancellationToken)
    {
        var runs = new List<SeedRunResult> { new(settings.Seed, first.Members.Select(m => m.Accuracy).ToArray(), first.Combined.Accuracy) };
        log.WriteLine($"seed study: seed {settings.Seed} done; {settings.Seeds - 1} more to train");
        for (int seed = settings.Seed + 1; seed < settings.Seed + settings.Seeds; seed++)
        {
            try
            {
                using var ensemble = Build(seed);
                Fit(ensemble, cancellationToken);
                var evaluation = ensemble.Evaluate(test.Batches(DefaultBatchSize.Evaluation), cancellationToken);
                runs.Add(new SeedRunResult(seed, evaluation.Members.Select(m => m.Accuracy).ToArray(), evaluation.Combined.Accuracy));
                log.WriteLine($"seed {seed}: {evaluation.Combined}");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return new SeedStudyReport(new SeedStudyResult(runs), Interrupted: true);
            }
        }

        return new SeedStudyReport(new SeedStudyResult(runs), Interrupted: false);
    }
}
