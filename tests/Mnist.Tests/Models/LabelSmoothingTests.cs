using Mnist.Data;
using Mnist.Models;
using Mnist.Tests.Ensemble;
using Mnist.Training;

namespace Mnist.Tests.Models;

/// <summary>Label smoothing: the training loss against a hand computation, and the calmer confidence it trains into a model.</summary>
public sealed class LabelSmoothingTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.1)]
    [InlineData(0.5)]
    public void The_training_loss_is_the_smoothed_cross_entropy_of_the_logits(double epsilon)
    {
        using var model = FixedModels.Linear(FixedModels.WeightA, FixedModels.BiasA);
        model.Compile(new SgdOptions { LearningRate = 0.01 });
        var images = FixedModels.Images();

        var history = model.Fit(images.Batches(images.Count), new FitOptions { Epochs = 1, LabelSmoothing = epsilon });

        // One batch: the reported loss is the loss before the only step, on the fixed weights.
        double expected = 0;
        for (int i = 0; i < images.Count; i++)
        {
            var p = FixedModels.Reference(FixedModels.WeightA, FixedModels.BiasA, images.GetImage(i));
            int label = images.GetLabel(i);
            double crossEntropy = -Math.Log(p[label]);
            double uniform = -p.Select(v => Math.Log(v)).Average();
            expected += ((1 - epsilon) * crossEntropy) + (epsilon * uniform);
        }

        history.Epochs[0].Loss.Should().BeApproximately(expected / images.Count, 1e-5);
    }

    [Fact]
    public void A_model_trained_with_smoothing_is_less_sure_of_its_training_images()
    {
        double Confidence(double epsilon)
        {
            using var model = FixedModels.Linear(new float[FixedModels.Classes, 4], new float[FixedModels.Classes], seed: 1);
            model.Compile(new SgdOptions { LearningRate = 0.05 });
            var images = FixedModels.Images();
            model.Fit(images.Batches(images.Count), new FitOptions { Epochs = 300, LabelSmoothing = epsilon });
            var probabilities = model.PredictProba(images.Batches(images.Count));
            return Enumerable.Range(0, images.Count).Average(i => probabilities.Row(i).ToArray().Max());
        }

        double plain = Confidence(0), smoothed = Confidence(0.2);

        smoothed.Should().BeLessThan(plain);
        smoothed.Should().BeLessThanOrEqualTo(1 - 0.2 + (0.2 / FixedModels.Classes) + 0.02, "the smoothed target of the true class is 1 − ε + ε/C");
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Smoothing_outside_zero_to_one_is_refused_naming_the_option(double epsilon)
    {
        var act = () => new FitOptions { LabelSmoothing = epsilon }.Validate();

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("LabelSmoothing");
    }
}
