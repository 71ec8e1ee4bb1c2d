using Mnist.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Tests.Models;

public sealed class BatchNormAxisTests
{
    [Theory]
    [InlineData(-1, 3)] // Keras 1 default on (N, C, H, W): the width
    [InlineData(2, 2)]  // the height
    [InlineData(1, 1)]  // the channels (BatchNorm2d)
    public void Training_mode_output_equals_normalising_over_every_other_axis(int kerasAxis, int tensorAxis)
    {
        using var model = Sequential.Input(3, 5, 7).BatchNorm(axis: kerasAxis, epsilon: 1e-3).Build();
        using var x = torch.randn(4, 3, 5, 7, generator: new Generator(11)).mul(3).add(2);
        model.Network.train(); // a model rests in evaluation mode; training mode uses the batch statistics
        using var y = model.Network.forward(x); // batch statistics, γ = 1, β = 0

        // Second implementation: per feature along tensorAxis, mean and biased variance over all other axes.
        var reduce = Enumerable.Range(0, 4).Where(a => a != tensorAxis).Select(a => (long)a).ToArray();
        using var mean = x.mean(reduce, keepdim: true);
        using var variance = x.var(reduce, unbiased: false, keepdim: true);
        using var expected = (x - mean) / (variance + 1e-3).sqrt();
        y.allclose(expected, rtol: 1e-4, atol: 1e-5).Should().BeTrue();
    }

    [Fact]
    public void Moving_statistics_follow_keras_momentum()
    {
        using var model = Sequential.Input(new TensorShape(2)).BatchNorm(momentum: 0.9).Build();
        using var x = torch.tensor(new float[] { 1, 10, 3, 20 }, [2, 2]);
        model.Network.train(); // moving statistics update in training mode only
        model.Network.forward(x).Dispose();
        var runningMean = model.Network.named_buffers().Single(b => b.name.EndsWith("running_mean", StringComparison.Ordinal)).buffer;
        // Keras: moving = 0.9 · moving + 0.1 · batch mean, starting from 0 → 0.1 · (2, 15).
        runningMean.data<float>().ToArray().Should().BeEquivalentTo(new[] { 0.2f, 1.5f }, o => o.Using<float>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-6f)).WhenTypeIs<float>());
    }
}
