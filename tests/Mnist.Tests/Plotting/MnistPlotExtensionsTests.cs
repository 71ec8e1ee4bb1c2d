using Mnist.Data;
using Mnist.Tests.Infrastructure;
using Mnist.Training;
using TorchSharp;

namespace Mnist.Tests.Plotting;

/// <summary>
/// The public surface of Mnist.Plotting: extension methods over the library's types draw exactly the figures of the
/// underlying chart functions given the same pixels and labels by hand (same PNG bytes).
/// </summary>
public sealed class MnistPlotExtensionsTests
{
    private static readonly Normalizer Statistics = new(33.32f, 78.57f);

    [Fact]
    public void A_datasets_digit_and_its_normalised_version_are_drawn_from_the_dataset_and_the_normaliser()
    {
        var digits = TestDigits.Test100;
        using var viaExtension = digits.PlotDigitAndNormalized(3, Statistics);
        using var byHand = MnistCharts.DigitAndNormalized(digits.GetImage(3), 33.32f, 78.57f);
        viaExtension.ToPngBytes().Should().Equal(byHand.ToPngBytes());
        FluentActions.Invoking(() => digits.PlotDigitAndNormalized(digits.Count, Statistics)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Digits_of_a_dataset_and_of_a_batch_carry_their_labels_and_class_names()
    {
        var digits = TestDigits.Test100;
        int[] indices = [5, 0, 42];
        var pixels = indices.SelectMany(i => digits.GetImage(i).ToArray()).ToArray();
        var labels = indices.Select(digits.GetLabel).ToArray();
        using var byHand = MnistCharts.LabelledDigits(pixels, labels, 28, 28, digits.ClassNames);

        using var fromDataset = digits.PlotDigits(indices);
        fromDataset.ToPngBytes().Should().Equal(byHand.ToPngBytes());
        fromDataset.Panels[1].Axes.Title.Label.Text.Should().Be("label " + digits.ClassNames[digits.GetLabel(0)]);

        using var batch = new Batch(torch.tensor(pixels.Select(p => (float)p).ToArray(), [3, 1, 28, 28]), torch.tensor(labels.Select(l => (long)l).ToArray()));
        using var fromBatch = batch.PlotDigits(digits.ClassNames);
        fromBatch.ToPngBytes().Should().Equal(byHand.ToPngBytes());

        FluentActions.Invoking(() => digits.PlotDigits([digits.Count])).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Histories_confusion_matrices_and_prediction_samples_plot_through_their_own_types()
    {
        var history = new TrainingHistory([new EpochMetrics(1, 0.9, 0.7, 0.8, 0.75, 1e-3, 1), new EpochMetrics(2, 0.5, 0.85, 0.6, 0.8, 1e-3, 1)]);
        using (var single = history.PlotTrainingCurves("net"))
        using (var byHand = MnistCharts.TrainingCurves([("net", history)]))
            single.ToPngBytes().Should().Equal(byHand.ToPngBytes());

        var (set, _) = MnistChartsTests.SyntheticPredictions(TestDigits.Test100);
        var matrix = set.ToConfusionMatrix();
        using (var plotted = matrix.Plot())
        using (var byHand = MnistCharts.ConfusionMatrix(matrix))
            plotted.ToPngBytes().Should().Equal(byHand.ToPngBytes());

        var wrong = set.Wrong(6);
        using (var plotted = wrong.PlotPredictions(TestDigits.Test100, "Wrong"))
        using (var byHand = MnistCharts.PredictionSamples(TestDigits.Test100, wrong, "Wrong"))
            plotted.ToPngBytes().Should().Equal(byHand.ToPngBytes());
    }
}
