using Mnist.Training;
namespace Mnist.Tests.Ensemble;

using Mnist.Ensemble;

public sealed class ProbabilityCombinationTests
{
    private static readonly float[,] MemberA = { { 0.7f, 0.2f, 0.1f }, { 0.1f, 0.1f, 0.8f } };
    private static readonly float[,] MemberB = { { 0.5f, 0.5f, 0.0f }, { 0.3f, 0.6f, 0.1f } };

    [Fact]
    public void Arithmetic_mean_is_the_plain_average()
    {
        var p = ProbabilityCombination.Combine([MemberA, MemberB]);

        double[,] expected = { { 0.6, 0.35, 0.05 }, { 0.2, 0.35, 0.45 } };
        for (int r = 0; r < 2; r++)
        {
            for (int c = 0; c < 3; c++) ((double)p[r, c]).Should().BeApproximately(expected[r, c], 1e-7);
        }
    }

    [Fact]
    public void Weighted_mean_normalises_the_weights()
    {
        // Weights 3 and 1 → 0.75 and 0.25.
        var p = ProbabilityCombination.Combine([MemberA, MemberB], EnsembleCombination.WeightedMean, [3.0, 1.0]);

        double[,] expected = { { 0.65, 0.275, 0.075 }, { 0.15, 0.225, 0.625 } };
        for (int r = 0; r < 2; r++)
        {
            for (int c = 0; c < 3; c++) ((double)p[r, c]).Should().BeApproximately(expected[r, c], 1e-7);
        }
    }

    [Fact]
    public void Geometric_mean_is_the_renormalised_product_root_with_a_floor_for_zero()
    {
        var p = ProbabilityCombination.Combine([MemberA, MemberB], EnsembleCombination.GeometricMean);

        // Row 0: sqrt(0.7·0.5), sqrt(0.2·0.5), sqrt(0.1·1e-12) — the 0 is floored at 1e-12.
        double[] g0 = [Math.Sqrt(0.35), Math.Sqrt(0.1), Math.Sqrt(0.1 * 1e-12)];
        double[] g1 = [Math.Sqrt(0.03), Math.Sqrt(0.06), Math.Sqrt(0.08)];
        foreach (var (row, g) in new[] { (0, g0), (1, g1) })
        {
            double total = g.Sum();
            for (int c = 0; c < 3; c++) ((double)p[row, c]).Should().BeApproximately(g[c] / total, 1e-6);
            (p[row, 0] + p[row, 1] + p[row, 2]).Should().BeApproximately(1f, 1e-6f);
        }

        ProbabilityCombination.ProbabilityFloor.Should().Be(1e-12);
        p[0, 2].Should().BeGreaterThan(0f, "a zero from one member is floored, not a veto to exactly 0");
    }

    [Fact]
    public void Cross_entropy_is_the_mean_negative_log_of_the_true_class_floored()
    {
        ProbabilityCombination.CrossEntropy(MemberA, [0, 2]).Should().BeApproximately(-(Math.Log(0.7) + Math.Log(0.8)) / 2, 1e-6);
        ProbabilityCombination.CrossEntropy(MemberB, [2, 1]).Should().BeApproximately(-(Math.Log(1e-12) + Math.Log(0.6)) / 2, 1e-6);
    }

    [Fact]
    public void Bad_inputs_are_named()
    {
        var act = () => ProbabilityCombination.Combine([MemberA, new float[3, 3]]);
        act.Should().Throw<ArgumentException>().WithMessage("*Member 2 has 3 × 3*member 1 has 2 × 3*");
        act = () => ProbabilityCombination.Combine([MemberA, MemberB], EnsembleCombination.WeightedMean, [1.0]);
        act.Should().Throw<ArgumentException>().WithMessage("*1 weights*2 members*");
        act = () => ProbabilityCombination.Combine([MemberA, MemberB], EnsembleCombination.WeightedMean, [1.0, -1.0]);
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*member 2*");
        act = () => ProbabilityCombination.Combine([MemberA, MemberB], EnsembleCombination.WeightedMean, [0.0, 0.0]);
        act.Should().Throw<ArgumentException>().WithMessage("*sum to 0*");
        act = () => ProbabilityCombination.Combine([]);
        act.Should().Throw<ArgumentException>();
        var ce = () => ProbabilityCombination.CrossEntropy(MemberA, [0, 3]);
        ce.Should().Throw<ArgumentException>().WithMessage("*Label 3*");
    }

    [Fact]
    public void Schedules_describe_the_notebook_long_fit()
    {
        var schedule = TrainingSchedule.NotebookLongFit(2, 3);

        schedule.Phases.Select(p => (p.LearningRate, p.Epochs)).Should().Equal((0.01, 2), (0.0001, 3));
        schedule.TotalEpochs.Should().Be(5);
        schedule.ToString().Should().Be("2 epochs at lr 0.01, then 3 epochs at lr 0.0001");
        TrainingSchedule.Epochs(1).Phases.Single().LearningRate.Should().BeNull();
        var act = () => TrainingSchedule.FromPhases((0.01, 0));
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*epochs*");
        act = () => TrainingSchedule.FromPhases((double.NaN, 1));
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*learningRate*");
        act = () => TrainingSchedule.FromPhases(Array.Empty<TrainingPhase>());
        act.Should().Throw<ArgumentException>();
    }
}
