using System.Text.Json;
using Mnist.Data;
using TorchSharp;
using Xunit.Abstractions;

namespace Mnist.Tests.Data;

public sealed class NormalizerTests(MnistTrainingSetFixture mnist, ITestOutputHelper output) : IClassFixture<MnistTrainingSetFixture>
{
    [Fact]
    public void Fits_the_published_mnist_statistics_and_agrees_with_a_plain_double_loop()
    {
        var normalizer = Normalizer.Fit(mnist.Train);

        // Second implementation: a straightforward two-pass loop over all 47 million pixels.
        var pixels = mnist.Train.Pixels.Span;
        double sum = 0;
        foreach (byte p in pixels) sum += p;
        double mean = sum / pixels.Length;
        double squares = 0;
        foreach (byte p in pixels) squares += (p - mean) * (p - mean);
        double std = Math.Sqrt(squares / pixels.Length);

        normalizer.Mean.Should().BeApproximately((float)mean, 1e-3f);
        normalizer.StandardDeviation.Should().BeApproximately((float)std, 1e-3f);
        normalizer.Mean.Should().BeApproximately(33.3184f, 1e-3f);
        normalizer.StandardDeviation.Should().BeApproximately(78.5675f, 1e-3f);
    }

    [Fact]
    public void Histogram_counts_every_byte_value()
    {
        byte[] pixels = [0, 0, 255, 7, 7, 7, 1];
        var histogram = Normalizer.Histogram(pixels);
        histogram.Sum().Should().Be(7);
        histogram[0].Should().Be(2);
        histogram[7].Should().Be(3);
        histogram[255].Should().Be(1);
        Normalizer.Histogram(mnist.Test.Pixels.Span).Sum().Should().Be(10000 * 784);
    }

    [Fact]
    public void Small_hand_computed_case()
    {
        // Pixels 0, 2, 4, 6: mean 3, population variance (9 + 1 + 1 + 9) / 4 = 5.
        var normalizer = Normalizer.FitPixels([0, 2, 4, 6]);
        normalizer.Mean.Should().Be(3f);
        normalizer.StandardDeviation.Should().BeApproximately(MathF.Sqrt(5f), 1e-6f);

        var output = new float[4];
        normalizer.Transform([0, 2, 4, 6], output);
        output.Should().Equal(new[] { -3f, -1f, 1f, 3f }.Select(v => v / normalizer.StandardDeviation), (a, b) => Math.Abs(a - b) < 1e-6f);

        var back = new float[4];
        normalizer.InverseTransform(output, back);
        back.Should().Equal([0f, 2f, 4f, 6f], (a, b) => Math.Abs(a - b) < 1e-5f);
        FluentActions.Invoking(() => normalizer.Transform([1, 2], new float[1])).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Tensor_transform_matches_the_span_transform_and_inverts()
    {
        var normalizer = Normalizer.Fit(mnist.Train);
        var sample = mnist.Test.Slice(0, 16);
        var expected = new float[sample.Pixels.Length];
        normalizer.Transform(sample.Pixels.Span, expected);

        using var scope = torch.NewDisposeScope();
        var images = sample.ToImageTensor();
        var normalized = normalizer.Transform(images);
        normalized.dtype.Should().Be(torch.ScalarType.Float32);
        normalized.shape.Should().Equal(16, 1, 28, 28);
        normalized.flatten().data<float>().ToArray().Should().Equal(expected, (a, b) => Math.Abs(a - b) < 1e-5f);

        var restored = normalizer.InverseTransform(normalized);
        restored.sub(images.to_type(torch.ScalarType.Float32)).abs().max().item<float>().Should().BeLessThan(1e-3f);
    }

    [Fact]
    public void Json_round_trips_exactly_and_rejects_bad_input()
    {
        var normalizer = Normalizer.Fit(mnist.Train);
        string json = normalizer.ToJson();
        output.WriteLine(json);
        json.Should().Contain("\"mean\":").And.Contain("\"standardDeviation\":");
        var copy = Normalizer.FromJson(json);
        copy.Mean.Should().Be(normalizer.Mean);
        copy.StandardDeviation.Should().Be(normalizer.StandardDeviation);
        JsonSerializer.Deserialize<Normalizer>(json)!.Mean.Should().Be(normalizer.Mean);

        FluentActions.Invoking(() => Normalizer.FromJson("{\"mean\":1}")).Should().Throw<JsonException>();
        FluentActions.Invoking(() => Normalizer.FromJson("{\"mean\":1,\"standardDeviation\":0}")).Should().Throw<JsonException>().WithMessage("*positive*");
        FluentActions.Invoking(() => Normalizer.FromJson("[1,2]")).Should().Throw<JsonException>();
        FluentActions.Invoking(() => Normalizer.FromJson("{\"mean\":\"x\",\"standardDeviation\":2}")).Should().Throw<JsonException>();
    }

    [Fact]
    public void Constant_or_empty_data_cannot_be_fitted()
    {
        FluentActions.Invoking(() => Normalizer.FitPixels([9, 9, 9])).Should().Throw<ArgumentException>().WithMessage("*value 9*standard deviation of 0*");
        FluentActions.Invoking(() => Normalizer.FitPixels([])).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => new Normalizer(float.NaN, 1)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
