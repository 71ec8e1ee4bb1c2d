using Mnist.Data;
using Mnist.Ensemble;
using Mnist.Models;

namespace Mnist.Tests.Ensemble;

/// <summary>Multi-seed statistics against hand-computed values.</summary>
public sealed class SeedStudyTests
{
    [Fact]
    public void Statistics_are_the_mean_sample_standard_deviation_and_range()
    {
        var stats = AccuracyStatistics.Of([0.990, 0.992, 0.994, 0.996]);

        stats.Count.Should().Be(4);
        stats.Mean.Should().BeApproximately(0.993, 1e-12);
        stats.StandardDeviation.Should().BeApproximately(Math.Sqrt(((0.003 * 0.003) + (0.001 * 0.001) + (0.001 * 0.001) + (0.003 * 0.003)) / 3), 1e-12);
        stats.StandardError.Should().BeApproximately(stats.StandardDeviation / 2, 1e-12);
        (stats.Min, stats.Max).Should().Be((0.990, 0.996));
        AccuracyStatistics.Of([0.5]).StandardDeviation.Should().Be(0);
        ((Action)(() => AccuracyStatistics.Of([]))).Should().Throw<ArgumentException>();
        ((Action)(() => AccuracyStatistics.Of([double.NaN]))).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void A_study_evaluates_each_seeds_ensemble_and_summarises_members_and_ensembles()
    {
        var images = FixedModels.Images();
        var trainedSeeds = new List<int>();
        var reported = new List<SeedRunResult>();

        var result = SeedStudy.Run(seed =>
        {
            trainedSeeds.Add(seed);
            // Member weights depend on the seed, so the runs differ.
            float s = seed;
            return ModelEnsemble.FromModels([FixedModels.Linear(FixedModels.WeightA, [0.1f * s, 0, 0]), FixedModels.Linear(FixedModels.WeightB, [0, 0.2f * s, 0])], seed: seed);
        }, [1, 2, 3], images.Batches(7), new SynchronousProgress(reported));

        trainedSeeds.Should().Equal(1, 2, 3);
        reported.Select(r => r.Seed).Should().Equal(1, 2, 3);
        result.Runs.Should().HaveCount(3);
        for (int i = 0; i < 3; i++)
        {
            float s = i + 1;
            using var check = ModelEnsemble.FromModels([FixedModels.Linear(FixedModels.WeightA, [0.1f * s, 0, 0]), FixedModels.Linear(FixedModels.WeightB, [0, 0.2f * s, 0])]);
            var evaluation = check.Evaluate(images.Batches(7));
            result.Runs[i].EnsembleAccuracy.Should().Be(evaluation.Combined.Accuracy);
            result.Runs[i].MemberAccuracies.Should().Equal(evaluation.Members.Select(m => m.Accuracy));
        }

        result.Members.Should().Be(AccuracyStatistics.Of(result.Runs.SelectMany(r => r.MemberAccuracies)));
        result.Members.Count.Should().Be(6);
        result.Ensembles.Should().Be(AccuracyStatistics.Of(result.Runs.Select(r => r.EnsembleAccuracy)));
        ((Action)(() => SeedStudy.Run(_ => throw new InvalidOperationException(), [1, 1], images.Batches(7)))).Should().Throw<ArgumentException>().WithMessage("*different*");
    }

    private sealed class SynchronousProgress(List<SeedRunResult> into) : IProgress<SeedRunResult>
    {
        public void Report(SeedRunResult value) => into.Add(value);
    }
}
