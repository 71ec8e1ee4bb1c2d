using Mnist.Tests.Models;

namespace Mnist.Tests.Analysis;

public class PredictionSetTests
{
    // Hand-made probabilities, 3 classes.
    private static readonly float[,] Probabilities =
    {
        { 0.80f, 0.10f, 0.10f }, // 0: true 0, right, confident
        { 0.20f, 0.70f, 0.10f }, // 1: true 0, wrong (1)
        { 0.34f, 0.33f, 0.33f }, // 2: true 2, wrong (0), nearly flat
        { 0.10f, 0.10f, 0.80f }, // 3: true 2, right
        { 0.40f, 0.40f, 0.20f }, // 4: true 1, tie 0/1 -> predicted 0 (lowest index), wrong
        { 0.00f, 0.50f, 0.50f }, // 5: true 1, tie 1/2 -> predicted 1, right
        { 0.60f, 0.20f, 0.20f }, // 6: true 0, right; entropy .9503 > row 7's, std .1886 > row 7's
        { 0.45f, 0.45f, 0.10f }, // 7: true 0, right
        { 0.80f, 0.10f, 0.10f }, // 8: true 1, wrong; same row as 0 (tie in both rankings)
    };

    private static readonly int[] Labels = [0, 0, 2, 2, 1, 1, 0, 0, 1];

    private static PredictionSet Set() => new(Probabilities.ToClassProbabilities(), Labels);

    [Fact]
    public void Predicts_the_arg_max_with_the_lowest_index_on_ties()
    {
        var set = Set();
        set.Count.Should().Be(9);
        set.ClassCount.Should().Be(3);
        set.PredictedLabels.ToArray().Should().Equal(0, 1, 0, 2, 0, 1, 0, 0, 0);
        set.TrueLabels.ToArray().Should().Equal(Labels);
        set.CorrectCount.Should().Be(5);
        set.Accuracy.Should().BeApproximately(5.0 / 9, 1e-12);
        set.GetProbabilities(6).ToArray().Should().Equal(0.6f, 0.2f, 0.2f);
    }

    [Fact]
    public void Wrong_and_right_come_in_sample_order_and_respect_the_limit()
    {
        var set = Set();
        set.Wrong(10).Select(s => s.Index).Should().Equal(1, 2, 4, 8);
        set.Wrong(2).Select(s => s.Index).Should().Equal(1, 2);
        set.Right(10).Select(s => s.Index).Should().Equal(0, 3, 5, 6, 7);
        set.Right(0).Should().BeEmpty();
        set.Wrong(10).Should().AllSatisfy(s => s.IsCorrect.Should().BeFalse());
        set.Right(10).Should().AllSatisfy(s => s.IsCorrect.Should().BeTrue());
    }

    [Fact]
    public void A_sample_lists_its_labels_and_top_three_classes()
    {
        var sample = Set().GetSample(4);
        sample.Index.Should().Be(4);
        sample.TrueLabel.Should().Be(1);
        sample.PredictedLabel.Should().Be(0);
        sample.TopClasses.Should().Equal(new ClassProbability(0, 0.4f), new ClassProbability(1, 0.4f), new ClassProbability(2, 0.2f));
        Set().GetSample(1, topCount: 2).TopClasses.Should().Equal(new ClassProbability(1, 0.7f), new ClassProbability(0, 0.2f));
        Set().GetSample(5, topCount: 10).TopClasses.Should().HaveCount(3);
    }

    [Fact]
    public void Standard_deviation_and_entropy_match_hand_computed_values()
    {
        var set = Set();
        // [0.6, 0.2, 0.2]: mean 1/3, deviations 4/15, −2/15, −2/15 -> population variance 8/225.
        set.GetUncertainty(6, UncertaintyMeasure.StandardDeviation).Should().BeApproximately(Math.Sqrt(8.0 / 225), 1e-6);
        set.GetUncertainty(6, UncertaintyMeasure.Entropy).Should().BeApproximately(-(0.6 * Math.Log(0.6) + 0.4 * Math.Log(0.2)), 1e-6);
        // 0·ln 0 counts as 0: [0, .5, .5] has entropy ln 2.
        set.GetUncertainty(5, UncertaintyMeasure.Entropy).Should().BeApproximately(Math.Log(2), 1e-6);
    }

    [Fact]
    public void MostUncertain_by_standard_deviation_ranks_flattest_first()
    {
        var ranked = Set().MostUncertain(9).Select(s => s.Index).ToArray();
        // std: 2≈.0047, 4=.0943, 7=.1650, 6=.1886, 5=.2357, 1=.2625, 0=3=8=.3300 (ties by index).
        ranked.Should().Equal(2, 4, 7, 6, 5, 1, 0, 3, 8);
        ranked.Should().Equal(ReferenceRanking(Probabilities, UncertaintyMeasure.StandardDeviation));
        Set().MostUncertain(2).Select(s => s.Index).Should().Equal(2, 4);
    }

    [Fact]
    public void MostUncertain_by_entropy_ranks_highest_entropy_first_and_differs_from_std_where_it_should()
    {
        var ranked = Set().MostUncertain(9, UncertaintyMeasure.Entropy).Select(s => s.Index).ToArray();
        // Entropy: 2≈1.0986, 4=1.0549, 6=.9503, 7=.9489, 1=.8018, 5=.6931, 0=3=8=.6390.
        ranked.Should().Equal(2, 4, 6, 7, 1, 5, 0, 3, 8);
        ranked.Should().Equal(ReferenceRanking(Probabilities, UncertaintyMeasure.Entropy));
    }

    [Fact]
    public void Rankings_agree_with_a_plain_loop_implementation_on_random_probabilities()
    {
        var random = new Random(42);
        const int n = 300, c = 10;
        var probabilities = new float[n, c];
        for (int i = 0; i < n; i++)
        {
            var raw = Enumerable.Range(0, c).Select(_ => Math.Pow(random.NextDouble(), 4)).ToArray();
            double sum = raw.Sum();
            for (int k = 0; k < c; k++) probabilities[i, k] = (float)(raw[k] / sum);
        }

        var set = new PredictionSet(probabilities.ToClassProbabilities(), Enumerable.Range(0, n).Select(i => i % c).ToArray());
        foreach (var measure in new[] { UncertaintyMeasure.StandardDeviation, UncertaintyMeasure.Entropy })
        {
            set.MostUncertain(n, measure).Select(s => s.Index).Should().Equal(ReferenceRanking(probabilities, measure), measure.ToString());
        }
    }

    [Fact]
    public void Confusion_matrix_counts_true_against_predicted()
    {
        var matrix = Set().ToConfusionMatrix(["a", "b", "c"]);
        matrix[0, 0].Should().Be(3); // samples 0, 6, 7
        matrix[0, 1].Should().Be(1); // sample 1
        matrix[1, 0].Should().Be(2); // samples 4, 8
        matrix[1, 1].Should().Be(1); // sample 5
        matrix[2, 0].Should().Be(1); // sample 2
        matrix[2, 2].Should().Be(1); // sample 3
        matrix.Total.Should().Be(9);
        Set().ToConfusionMatrix().ClassNames.Should().Equal("0", "1", "2");
    }

    [Fact]
    public void Span_and_byte_label_constructors_agree_with_the_array_constructor()
    {
        var flat = Probabilities.Cast<float>().ToArray();
        var fromSpan = new PredictionSet(flat, 9, Labels);
        var fromBytes = new PredictionSet(flat, 9, Labels.Select(l => (byte)l).ToArray().AsSpan());
        foreach (var other in new[] { fromSpan, fromBytes })
        {
            other.ClassCount.Should().Be(3);
            other.PredictedLabels.ToArray().Should().Equal(Set().PredictedLabels.ToArray());
            other.MostUncertain(9).Should().BeEquivalentTo(Set().MostUncertain(9), o => o.WithStrictOrdering());
        }
    }

    [Fact]
    public void Bad_inputs_throw_clear_exceptions()
    {
        FluentActions.Invoking(() => new PredictionSet(new float[] { 0.5f, 0.5f, 1f }, 2, [0, 1])).Should().Throw<ArgumentException>().WithMessage("*do not split*");
        FluentActions.Invoking(() => new PredictionSet(new float[] { 0.5f, 0.5f }, 1, [0, 1])).Should().Throw<ArgumentException>().WithMessage("*1 probability rows but 2 true labels*");
        FluentActions.Invoking(() => new PredictionSet(new float[] { 2.5f, -1.5f }, 1, [0])).Should().Throw<ArgumentException>().WithMessage("*logits*");
        FluentActions.Invoking(() => new PredictionSet(new float[] { 0.5f, 0.2f }, 1, [0])).Should().Throw<ArgumentException>().WithMessage("*sum to 0.7*");
        FluentActions.Invoking(() => new PredictionSet(new float[] { float.NaN, 1f }, 1, [0])).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => new PredictionSet(new float[] { 0.5f, 0.5f }, 1, [2])).Should().Throw<ArgumentException>().WithMessage("*True label 2*");
        FluentActions.Invoking(() => new PredictionSet(new float[] { 0.5f, 0.5f }, 0, Array.Empty<int>())).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => Set().Wrong(-1)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => Set().GetSample(9)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("index");
        FluentActions.Invoking(() => Set().MostUncertain(1, (UncertaintyMeasure)7)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => Set().ToConfusionMatrix(["a"])).Should().Throw<ArgumentException>().WithMessage("*3 class names*");
    }

    /// <summary>Second implementation: plain loops for the scores, a selection sort with explicit index tie-break.</summary>
    private static int[] ReferenceRanking(float[,] p, UncertaintyMeasure measure)
    {
        int n = p.GetLength(0), c = p.GetLength(1);
        var score = new double[n];
        for (int i = 0; i < n; i++)
        {
            double mean = 0;
            for (int k = 0; k < c; k++) mean += p[i, k];
            mean /= c;
            double variance = 0, entropy = 0;
            for (int k = 0; k < c; k++)
            {
                variance += (p[i, k] - mean) * (p[i, k] - mean);
                if (p[i, k] > 0) entropy -= p[i, k] * Math.Log(p[i, k]);
            }

            // Larger score = more uncertain.
            score[i] = measure == UncertaintyMeasure.StandardDeviation ? -Math.Sqrt(variance / c) : entropy;
        }

        var order = new List<int>();
        var used = new bool[n];
        for (int r = 0; r < n; r++)
        {
            int best = -1;
            for (int i = 0; i < n; i++)
            {
                if (used[i]) continue;
                if (best < 0 || score[i] > score[best] + 1e-12) best = i;
            }

            used[best] = true;
            order.Add(best);
        }

        return order.ToArray();
    }
}
