using MathNet.Numerics.LinearAlgebra;

namespace Mnist.Tests.Analysis;

public class ConfusionMatrixTests
{
    // Hand-worked 3-class example.
    //   true: 0 0 0 0 1 1 1 2 2 2
    //   pred: 0 0 1 2 1 1 0 2 2 2
    // counts (rows true, columns predicted):  [2 1 1; 1 2 0; 0 0 3]
    // column sums 3 3 4, row sums 4 3 3, diagonal 7 of 10.
    private static readonly int[] True = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2];
    private static readonly int[] Pred = [0, 0, 1, 2, 1, 1, 0, 2, 2, 2];
    private static readonly string[] Names = ["cat", "dog", "bird"];

    private static ConfusionMatrix Example() => new(True, Pred, Names);

    [Fact]
    public void Counts_true_against_predicted()
    {
        var m = Example();
        var expected = new long[,] { { 2, 1, 1 }, { 1, 2, 0 }, { 0, 0, 3 } };
        for (int t = 0; t < 3; t++)
        {
            for (int p = 0; p < 3; p++) m[t, p].Should().Be(expected[t, p], $"cell [{t}, {p}]");
        }

        m.ClassCount.Should().Be(3);
        m.ClassNames.Should().Equal(Names);
        m.Total.Should().Be(10);
        m.Correct.Should().Be(7);
        m.Accuracy.Should().Be(0.7);
        m.TrueClassTotals().ToArray().Should().Equal(4, 3, 3);
        m.PredictedClassTotals().ToArray().Should().Equal(3, 3, 4);
        m.ToMatrix().Should().Be(Matrix<double>.Build.DenseOfArray(new double[,] { { 2, 1, 1 }, { 1, 2, 0 }, { 0, 0, 3 } }));
    }

    [Fact]
    public void Per_class_metrics_match_hand_computed_values()
    {
        var m = Example();
        // precision = diagonal / column sum, recall = diagonal / row sum.
        m.Precision(0).Should().BeApproximately(2.0 / 3, 1e-12);
        m.Precision(1).Should().BeApproximately(2.0 / 3, 1e-12);
        m.Precision(2).Should().BeApproximately(3.0 / 4, 1e-12);
        m.Recall(0).Should().BeApproximately(2.0 / 4, 1e-12);
        m.Recall(1).Should().BeApproximately(2.0 / 3, 1e-12);
        m.Recall(2).Should().BeApproximately(1.0, 1e-12);
        // F1 = 2PR/(P+R): 4/7, 2/3, 6/7.
        m.F1(0).Should().BeApproximately(4.0 / 7, 1e-12);
        m.F1(1).Should().BeApproximately(2.0 / 3, 1e-12);
        m.F1(2).Should().BeApproximately(6.0 / 7, 1e-12);
        m.Support(0).Should().Be(4);
        m.Support(1).Should().Be(3);
        m.Support(2).Should().Be(3);
        m.Classes.Select(c => c.ClassName).Should().Equal(Names);
        m.Classes[2].Should().Be(new ClassMetrics(2, "bird", m.Precision(2), 1.0, m.F1(2), 3));
    }

    [Fact]
    public void Macro_and_weighted_averages_match_hand_computed_values()
    {
        var m = Example();
        m.MacroPrecision.Should().BeApproximately(25.0 / 36, 1e-12);
        m.MacroRecall.Should().BeApproximately(13.0 / 18, 1e-12);
        m.MacroF1.Should().BeApproximately(44.0 / 63, 1e-12);

        var report = m.GetReport();
        report.Accuracy.Should().Be(0.7);
        report.Total.Should().Be(10);
        report.Classes.Should().HaveCount(3);
        report.MacroAverage.F1.Should().BeApproximately(44.0 / 63, 1e-12);
        report.WeightedAverage.Precision.Should().BeApproximately(83.0 / 120, 1e-12);
        report.WeightedAverage.Recall.Should().BeApproximately(0.7, 1e-12, "support-weighted recall is the accuracy");
        report.WeightedAverage.F1.Should().BeApproximately(24.0 / 35, 1e-12);
        report.WeightedAverage.Support.Should().Be(10);
    }

    [Fact]
    public void A_class_never_predicted_has_zero_precision_and_F1()
    {
        var m = new ConfusionMatrix([0, 1, 1], [0, 0, 0], ["a", "b"]);
        m.Precision(1).Should().Be(0);
        m.Recall(1).Should().Be(0);
        m.F1(1).Should().Be(0);
        m.Precision(0).Should().BeApproximately(1.0 / 3, 1e-12);
        m.Recall(0).Should().Be(1);
    }

    [Fact]
    public void Row_normalized_matrix_divides_by_true_class_totals()
    {
        var normalized = Example().ToRowNormalizedMatrix();
        normalized[0, 0].Should().Be(0.5);
        normalized[0, 1].Should().Be(0.25);
        normalized[1, 0].Should().BeApproximately(1.0 / 3, 1e-12);
        normalized[2, 2].Should().Be(1);
        normalized.RowSums().ToArray().Should().AllSatisfy(s => s.Should().BeApproximately(1, 1e-12));
    }

    [Fact]
    public void FromCounts_equals_counting_labels_and_copies_its_input()
    {
        var counts = Matrix<double>.Build.DenseOfArray(new double[,] { { 2, 1, 1 }, { 1, 2, 0 }, { 0, 0, 3 } });
        var m = ConfusionMatrix.FromCounts(counts, Names);
        counts[0, 0] = 100;
        m[0, 0].Should().Be(2);
        m.GetReport().Should().BeEquivalentTo(Example().GetReport());
    }

    [Fact]
    public void ToString_is_a_readable_table()
    {
        var text = Example().ToString();
        var lines = text.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().Contain("true \\ pred").And.Contain("cat").And.Contain("bird");
        lines[2].Should().MatchRegex(@"^cat\s+\|\s+2\s+1\s+1$");
        lines[3].Should().MatchRegex(@"^dog\s+\|\s+1\s+2\s+0$");
        lines[4].Should().MatchRegex(@"^bird\s+\|\s+0\s+0\s+3$");
        lines[5].Should().Be("accuracy 0.7000 (7 of 10)");

        var report = Example().GetReport().ToString();
        report.Should().Contain("precision").And.Contain("macro avg").And.Contain("weighted avg");
        report.Should().MatchRegex(@"bird\s+0\.7500\s+1\.0000\s+0\.8571\s+3");
        report.Should().MatchRegex(@"accuracy\s+0\.7000\s+10");
    }

    [Fact]
    public void Bad_inputs_throw_clear_exceptions()
    {
        FluentActions.Invoking(() => new ConfusionMatrix([0, 1], [0], Names)).Should().Throw<ArgumentException>().WithMessage("*2 true labels but 1*");
        FluentActions.Invoking(() => new ConfusionMatrix([], [], Names)).Should().Throw<ArgumentException>().WithMessage("*at least one sample*");
        FluentActions.Invoking(() => new ConfusionMatrix([0, 3], [0, 0], Names)).Should().Throw<ArgumentException>().WithMessage("*True label 3 at index 1*");
        FluentActions.Invoking(() => new ConfusionMatrix([0, 0], [0, -1], Names)).Should().Throw<ArgumentException>().WithMessage("*Predicted label -1*");
        FluentActions.Invoking(() => new ConfusionMatrix([0], [0], [])).Should().Throw<ArgumentException>().WithParameterName("classNames");
        FluentActions.Invoking(() => ConfusionMatrix.FromCounts(Matrix<double>.Build.Dense(2, 3), ["a", "b"])).Should().Throw<ArgumentException>().WithMessage("*square*");
        FluentActions.Invoking(() => ConfusionMatrix.FromCounts(Matrix<double>.Build.Dense(2, 2, 1), Names)).Should().Throw<ArgumentException>().WithParameterName("classNames");
        FluentActions.Invoking(() => ConfusionMatrix.FromCounts(Matrix<double>.Build.Dense(2, 2, 0.5), ["a", "b"])).Should().Throw<ArgumentException>().WithMessage("*whole number*");
        FluentActions.Invoking(() => ConfusionMatrix.FromCounts(Matrix<double>.Build.Dense(2, 2, -1), ["a", "b"])).Should().Throw<ArgumentException>().WithMessage("*whole number*");
        FluentActions.Invoking(() => ConfusionMatrix.FromCounts(Matrix<double>.Build.Dense(2, 2), ["a", "b"])).Should().Throw<ArgumentException>().WithMessage("*at least one sample*");
        FluentActions.Invoking(() => Example()[3, 0]).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("trueClass");
        FluentActions.Invoking(() => Example().Recall(-1)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("classIndex");
    }
}
