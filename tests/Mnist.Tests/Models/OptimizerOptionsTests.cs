using Mnist.Models;
using Mnist.Training;

namespace Mnist.Tests.Models;

public sealed class OptimizerOptionsTests
{
    [Fact]
    public void Defaults_follow_keras_and_are_documented_values()
    {
        var adam = new AdamOptions();
        (adam.LearningRate, adam.Beta1, adam.Beta2, adam.Epsilon, adam.WeightDecay).Should().Be((0.001, 0.9, 0.999, 1e-8, 0.0));
        new AdamWOptions().WeightDecay.Should().Be(0.01);
        var sgd = new SgdOptions();
        (sgd.LearningRate, sgd.Momentum, sgd.Nesterov).Should().Be((0.01, 0.0, false));
    }

    [Fact]
    public void Invalid_values_are_rejected_at_compile_naming_the_option()
    {
        using var model = Sequential.Input(1, 4, 4).Flatten().Dense(2).Build();
        model.Invoking(m => m.Compile(new AdamOptions { Beta1 = 1 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("Beta1");
        model.Invoking(m => m.Compile(new AdamWOptions { WeightDecay = -1 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("WeightDecay");
        model.Invoking(m => m.Compile(new SgdOptions { LearningRate = double.NaN })).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*LearningRate*");
        model.Invoking(m => m.Compile(new SgdOptions { Nesterov = true })).Should().Throw<ArgumentException>().WithMessage("*Nesterov*Momentum*");
    }

    [Fact]
    public void WithLearningRate_copies_every_other_setting()
    {
        var original = new AdamWOptions { Beta1 = 0.8, WeightDecay = 0.05, LearningRate = 0.1 };
        var copy = (AdamWOptions)original.WithLearningRate(0.5);
        (copy.LearningRate, copy.Beta1, copy.WeightDecay).Should().Be((0.5, 0.8, 0.05));
        original.LearningRate.Should().Be(0.1);
    }
}
