using Mnist.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Tests.Models;

public sealed class ClassProbabilitiesTests
{
    // 4 samples × 3 classes, written by hand.
    private static readonly float[] Table =
    [
        0.2f, 0.5f, 0.3f,   // arg-max 1; top-2 (1, 0.5), (2, 0.3)
        0.4f, 0.4f, 0.2f,   // tie 0/1 -> 0; top-3 (0, .4), (1, .4), (2, .2)
        0.0f, 0.0f, 1.0f,   // arg-max 2
        0.1f, 0.6f, 0.3f,   // arg-max 1
    ];

    private static ClassProbabilities Make() => new(Table, 4, 3);

    [Fact]
    public void Exposes_counts_rows_and_cells()
    {
        var p = Make();
        p.SampleCount.Should().Be(4);
        p.ClassCount.Should().Be(3);
        p[3].ToArray().Should().Equal(0.1f, 0.6f, 0.3f);
        p.Row(1).ToArray().Should().Equal(0.4f, 0.4f, 0.2f);
        p[0, 2].Should().Be(0.3f);
        p.Values.ToArray().Should().Equal(Table);
        p.Invoking(x => x.Row(4)).Should().Throw<ArgumentOutOfRangeException>();
        p.Invoking(x => x[0, 3]).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Copies_its_input()
    {
        var values = (float[])Table.Clone();
        var p = new ClassProbabilities(values, 4, 3);
        values[0] = 0.9f;
        p[0, 0].Should().Be(0.2f);
        p.ToArray()[0] = 0.9f;
        p[0, 0].Should().Be(0.2f);
    }

    [Fact]
    public void Arg_max_takes_the_first_maximum()
    {
        var p = Make();
        p.ArgMax().Should().Equal(1, 0, 2, 1);
        p.PredictedClasses.Should().Equal(1, 0, 2, 1);
        p.ArgMax(1).Should().Be(0);
    }

    [Fact]
    public void Top_k_orders_by_probability_then_class()
    {
        var p = Make();
        p.TopK(0, 2).Should().Equal(new RankedClass(1, 0.5f), new RankedClass(2, 0.3f));
        p.TopK(1, 3).Should().Equal(new RankedClass(0, 0.4f), new RankedClass(1, 0.4f), new RankedClass(2, 0.2f));
        p.TopK(2, 10).Select(r => r.Class).Should().Equal(2, 0, 1);
        p.Invoking(x => x.TopK(0, 0)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Cross_entropy_and_accuracy_match_a_hand_computation()
    {
        var p = Make();
        int[] labels = [1, 1, 0, 1];
        // -(ln .5 + ln .4 + ln 1e-12 + ln .6) / 4, with the floor for the zero probability.
        double expected = -(Math.Log(0.5f) + Math.Log(0.4f) + Math.Log(1e-12) + Math.Log(0.6f)) / 4;
        p.CrossEntropy(labels).Should().BeApproximately(expected, 1e-12);
        p.Accuracy(labels).Should().Be(0.5); // samples 0 and 3
        p.Invoking(x => x.CrossEntropy([1, 1, 3, 1])).Should().Throw<ArgumentException>();
        p.Invoking(x => x.CrossEntropy([1])).Should().Throw<ArgumentException>();
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(-0.1f)]
    public void Rejects_non_finite_or_negative_values(float bad)
    {
        float[] values = [bad, 0.5f, 0.5f];
        var act = () => new ClassProbabilities(values, 1, 3);
        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Checks_row_sums_within_the_documented_tolerance()
    {
        float off = (float)(ClassProbabilities.RowSumTolerance / 2);
        var within = () => new ClassProbabilities([0.5f + off, 0.5f], 1, 2);
        within.Should().NotThrow();
        var outside = () => new ClassProbabilities([0.5f + (3 * off), 0.5f], 1, 2);
        outside.Should().Throw<ArgumentException>().WithMessage("*sample 0*");
        var wrongLength = () => new ClassProbabilities([0.5f, 0.5f, 0f], 2, 2);
        wrongLength.Should().Throw<ArgumentException>();
        var noClasses = () => new ClassProbabilities([], 0, 0);
        noClasses.Should().Throw<ArgumentOutOfRangeException>();
        new ClassProbabilities([], 0, 10).SampleCount.Should().Be(0);
    }

    [Fact]
    public void Round_trips_through_a_cpu_float32_tensor()
    {
        var p = Make();
        using var t = p.ToTensor();
        t.shape.Should().Equal(4, 3);
        t.dtype.Should().Be(ScalarType.Float32);
        t.device_type.Should().Be(DeviceType.CPU);
        t.data<float>().ToArray().Should().Equal(Table);
        t.ToClassProbabilities().Values.ToArray().Should().Equal(Table);

        using var doubles = t.to(ScalarType.Float64);
        doubles.ToClassProbabilities().Values.ToArray().Should().Equal(Table);
        using var transposed = t.t();
        var fromView = () => transposed.ToClassProbabilities();
        fromView.Should().Throw<ArgumentException>("the columns of the transposed table do not sum to 1");
    }

    [Fact]
    public void From_tensor_rejects_other_shapes_and_types()
    {
        using var flat = torch.tensor(new float[] { 0.5f, 0.5f });
        var act1 = () => flat.ToClassProbabilities();
        act1.Should().Throw<ArgumentException>().WithMessage("*(N, C)*");
        using var ints = torch.tensor(new long[] { 0, 1 }).reshape(1, 2);
        var act2 = () => ints.ToClassProbabilities();
        act2.Should().Throw<ArgumentException>().WithMessage("*floating point*");
    }
}
