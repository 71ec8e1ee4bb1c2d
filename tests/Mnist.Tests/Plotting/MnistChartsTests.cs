using Mnist.Tests.Infrastructure;
using Mnist.Training;
using SkiaSharp;

namespace Mnist.Tests.Plotting;

public class MnistChartsTests
{
    private const float MnistMean = 33.32f;
    private const float MnistStd = 78.57f;

    [Fact]
    public void DigitAndNormalized_renders_a_900_by_420_png_with_grey_levels_and_colour_bars()
    {
        var digits = TestDigits.Test100;
        using var figure = MnistCharts.DigitAndNormalized(digits.GetImage(0), MnistMean, MnistStd);

        figure.Columns.Should().Be(2);
        figure.Panels.Should().HaveCount(2);
        figure.Title.Should().Be("A digit before and after normalisation");
        var png = figure.ToPngBytes();
        File.WriteAllBytes(Path.Combine(PngAssert.OutputFolder, "digit-and-normalized.png"), png);

        using var bitmap = PngAssert.ValidPng(png, 900, 420, minimumDistinctColours: 100);
        // The digit is drawn in greys: many pixels are pure black (background 0) and some near white (stroke 255).
        PngAssert.Fraction(bitmap, new SKRectI(0, 0, 900, 420), c => c.Red < 8 && c.Green < 8 && c.Blue < 8).Should().BeGreaterThan(0.1);
    }

    [Fact]
    public void Scale_multiplies_the_pixel_size()
    {
        var options = new PlotOptions { Scale = 1.5 };
        using var figure = MnistCharts.DigitAndNormalized(TestDigits.Test100.GetImage(1), MnistMean, MnistStd, options: options);

        figure.Width.Should().Be(900);
        figure.PixelWidth.Should().Be(1350);
        figure.PixelHeight.Should().Be(630);
        var png = figure.ToPngBytes();
        File.WriteAllBytes(Path.Combine(PngAssert.OutputFolder, "digit-and-normalized-scale-1.5.png"), png);
        using var bitmap = PngAssert.ValidPng(png, 1350, 630, minimumDistinctColours: 50);
    }

    [Fact]
    public void LabelledDigits_draws_each_image_with_the_grey_level_of_its_values()
    {
        // Two flat 28×28 images: black (0) and mid-grey (128); no title, 2 columns of 130 × 150.
        var images = new float[2 * 784];
        Array.Fill(images, 128f, 784, 784);
        using var figure = MnistCharts.LabelledDigits(images, [3, 7], options: new PlotOptions { Title = "" });

        figure.Width.Should().Be(260);
        figure.Height.Should().Be(150);
        using var bitmap = PngAssert.ValidPng(figure.ToPngBytes(), 260, 150, minimumDistinctColours: 3);
        var blackCentre = new SKRectI(55, 80, 75, 100);
        var greyCentre = new SKRectI(185, 80, 205, 100);
        PngAssert.Fraction(bitmap, blackCentre, c => c.Red == 0 && c.Green == 0 && c.Blue == 0).Should().Be(1);
        PngAssert.Fraction(bitmap, greyCentre, c => Math.Abs(c.Red - 128) <= 3 && c.Red == c.Green && c.Green == c.Blue).Should().Be(1);
    }

    [Fact]
    public void LabelledDigits_renders_a_batch_of_real_digits_in_a_grid()
    {
        var digits = TestDigits.Test100;
        var labels = Enumerable.Range(0, 16).Select(digits.GetLabel).ToArray();
        // Float batch on the 0–255 scale with a brightness change, as an augmentation would produce.
        var images = digits.Pixels.Span[..(16 * 784)].ToArray().Select(b => b * 0.8f).ToArray();

        using var figure = MnistCharts.LabelledDigits(images, labels);
        figure.Columns.Should().Be(8);
        figure.Rows.Should().Be(2);
        figure.Width.Should().Be(8 * 130);
        figure.Height.Should().Be(2 * 150 + MnistFigure.TitleHeight);
        var path = Path.Combine(PngAssert.OutputFolder, "labelled-digits.png");
        figure.SavePng(path);

        using var bitmap = PngAssert.ValidPng(File.ReadAllBytes(path), 1040, 344, minimumDistinctColours: 50);
    }

    [Fact]
    public void LabelledDigits_accepts_bytes_and_class_names()
    {
        var digits = TestDigits.Test100;
        var names = new[] { "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine" };
        using var figure = MnistCharts.LabelledDigits(digits.Pixels.Span[..(5 * 784)], Enumerable.Range(0, 5).Select(digits.GetLabel).ToArray(),
            classNames: names, options: new PlotOptions { Columns = 5, Title = "Five digits" });

        figure.Title.Should().Be("Five digits");
        figure.Panels.Select(p => p.Axes.Title.Label.Text).Should().Equal(
            Enumerable.Range(0, 5).Select(i => "label " + names[digits.GetLabel(i)]));
        PngAssert.ValidPng(figure.ToPngBytes(), 650, 194, minimumDistinctColours: 50).Dispose();
    }

    [Fact]
    public void TrainingCurves_renders_loss_and_accuracy_of_every_member()
    {
        var members = new List<(string, TrainingHistory)>
        {
            ("member 1", History(epochs: 6, offset: 0)),
            ("member 2", History(epochs: 6, offset: 0.05)),
            ("no validation", new TrainingHistory([new EpochMetrics(1, 0.9, 0.7, null, null, 1e-3, 1), new EpochMetrics(2, 0.5, 0.85, null, null, 1e-3, 1)])),
        };

        using var figure = MnistCharts.TrainingCurves(members);
        figure.Panels.Should().HaveCount(2);
        figure.Panels[0].Axes.Title.Label.Text.Should().Be("Loss");
        figure.Panels[1].Axes.Title.Label.Text.Should().Be("Accuracy");
        // Train + validation for two members, train only for the third.
        figure.Panels[0].GetPlottables().OfType<ScottPlot.Plottables.Scatter>().Should().HaveCount(5);
        var png = figure.ToPngBytes();
        File.WriteAllBytes(Path.Combine(PngAssert.OutputFolder, "training-curves.png"), png);
        using var bitmap = PngAssert.ValidPng(png, 1100, 460, minimumDistinctColours: 50);
        // Category10's first colour (#1f77b4) draws member 1.
        PngAssert.Fraction(bitmap, new SKRectI(0, 0, 1100, 460), c => Math.Abs(c.Red - 0x1f) < 20 && Math.Abs(c.Green - 0x77) < 20 && Math.Abs(c.Blue - 0xb4) < 20)
            .Should().BeGreaterThan(0.001);
    }

    [Fact]
    public void ConfusionMatrix_renders_an_annotated_heatmap_with_class_names()
    {
        var (set, _) = SyntheticPredictions(TestDigits.Test100);
        var matrix = set.ToConfusionMatrix();
        using var figure = MnistCharts.ConfusionMatrix(matrix);

        figure.Title.Should().StartWith("Confusion matrix (accuracy ");
        var plot = figure.Panels.Single();
        // One count label per cell.
        plot.GetPlottables().OfType<ScottPlot.Plottables.Text>().Should().HaveCount(100);
        plot.Axes.Bottom.Label.Text.Should().Be("Predicted label");
        plot.Axes.Left.Label.Text.Should().Be("True label");
        var png = figure.ToPngBytes();
        File.WriteAllBytes(Path.Combine(PngAssert.OutputFolder, "confusion-matrix.png"), png);
        using var bitmap = PngAssert.ValidPng(png, figure.PixelWidth, figure.PixelHeight, minimumDistinctColours: 50);
        // Blues: the diagonal cells are dark blue.
        PngAssert.Fraction(bitmap, new SKRectI(0, 0, bitmap.Width, bitmap.Height), c => c.Blue > 80 && c.Red < 40 && c.Green < 100).Should().BeGreaterThan(0.01);
    }

    [Fact]
    public void PredictionSamples_renders_wrong_right_and_uncertain_grids()
    {
        var digits = TestDigits.Test100;
        var (set, _) = SyntheticPredictions(digits);

        foreach (var (name, samples) in new[]
                 {
                     ("Wrong predictions", set.Wrong(10)),
                     ("Right predictions", set.Right(10)),
                     ("Most uncertain predictions", set.MostUncertain(10)),
                 })
        {
            samples.Should().HaveCount(10);
            using var figure = MnistCharts.PredictionSamples(digits, samples, name);
            figure.Title.Should().Be(name);
            figure.Columns.Should().Be(5);
            figure.Rows.Should().Be(2);
            var first = samples[0];
            figure.Panels[0].Axes.Title.Label.Text.Should().StartWith($"#{first.Index}: true {first.TrueLabel}, pred {first.PredictedLabel}\n");
            var png = figure.ToPngBytes();
            File.WriteAllBytes(Path.Combine(PngAssert.OutputFolder, name.ToLowerInvariant().Replace(' ', '-') + ".png"), png);
            PngAssert.ValidPng(png, 1100, 2 * 250 + MnistFigure.TitleHeight, minimumDistinctColours: 50).Dispose();
        }
    }

    [Fact]
    public void PredictionSamples_of_an_empty_selection_says_so()
    {
        using var figure = MnistCharts.PredictionSamples(TestDigits.Test100, [], "Wrong predictions");
        var text = figure.Panels.Single().GetPlottables().OfType<ScottPlot.Plottables.Text>().Single();
        text.LabelText.Should().Be("No samples");
        PngAssert.ValidPng(figure.ToPngBytes(), 400, 200, minimumDistinctColours: 3).Dispose();
    }

    [Fact]
    public void PredictionSamples_rejects_samples_from_other_data()
    {
        var digits = TestDigits.Test100;
        int label = digits.GetLabel(0);
        var wrongLabel = new PredictionSample(0, (label + 1) % 10, 0, [new ClassProbability(0, 1f)]);
        var outside = new PredictionSample(100, 0, 0, [new ClassProbability(0, 1f)]);

        FluentActions.Invoking(() => MnistCharts.PredictionSamples(digits, [wrongLabel], "t")).Should().Throw<ArgumentException>().WithMessage("*other data*");
        FluentActions.Invoking(() => MnistCharts.PredictionSamples(digits, [outside], "t")).Should().Throw<ArgumentException>().WithMessage("*outside*");
    }

    [Fact]
    public void Bad_inputs_throw_clear_exceptions()
    {
        var pixels = new byte[784];
        FluentActions.Invoking(() => MnistCharts.DigitAndNormalized(pixels.AsSpan(0, 700), 0, 1)).Should().Throw<ArgumentException>().WithMessage("*28×28*700*");
        FluentActions.Invoking(() => MnistCharts.DigitAndNormalized(pixels, 0, 0)).Should().Throw<ArgumentException>().WithParameterName("standardDeviation");
        FluentActions.Invoking(() => MnistCharts.LabelledDigits(new float[784], [1, 2])).Should().Throw<ArgumentException>().WithParameterName("images");
        FluentActions.Invoking(() => MnistCharts.LabelledDigits(new float[784], [-1])).Should().Throw<ArgumentException>().WithParameterName("labels");
        FluentActions.Invoking(() => MnistCharts.LabelledDigits(new float[784], [])).Should().Throw<ArgumentException>().WithParameterName("labels");
        var nan = new float[784];
        nan[5] = float.NaN;
        FluentActions.Invoking(() => MnistCharts.LabelledDigits(nan, [1])).Should().Throw<ArgumentException>().WithMessage("*not finite*");
        FluentActions.Invoking(() => MnistCharts.TrainingCurves([])).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => MnistCharts.TrainingCurves([("empty", new TrainingHistory())])).Should().Throw<ArgumentException>().WithMessage("*'empty'*no epochs*");
        FluentActions.Invoking(() => MnistCharts.TrainingCurves([("nan", new TrainingHistory([new EpochMetrics(1, double.NaN, 0.5, null, null, 1e-3, 1)]))]))
            .Should().Throw<ArgumentException>().WithMessage("*non-finite*");
        FluentActions.Invoking(() => MnistCharts.ConfusionMatrix(null!)).Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public void A_disposed_figure_cannot_render()
    {
        var figure = MnistCharts.DigitAndNormalized(new byte[784], 0, 1);
        figure.Dispose();
        FluentActions.Invoking(() => figure.ToPngBytes()).Should().Throw<ObjectDisposedException>();
    }

    private static TrainingHistory History(int epochs, double offset)
    {
        var history = new TrainingHistory();
        for (int e = 1; e <= epochs; e++)
        {
            double loss = 0.6 / e + offset;
            history.Add(new EpochMetrics(e, loss, 0.99 - loss / 3, loss * 0.9, 0.99 - loss / 3.5, 1e-3, 10));
        }

        return history;
    }

    /// <summary>Seeded synthetic softmax outputs over real labels: confident and right for most samples, flat or wrong for some.</summary>
    internal static (PredictionSet Set, float[] Probabilities) SyntheticPredictions(Mnist.Data.MnistDataset digits)
    {
        var random = new Random(1234);
        int n = digits.Count;
        var probabilities = new float[n * 10];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = digits.GetLabel(i);
            int target = i % 7 == 3 ? (labels[i] + 1 + random.Next(9)) % 10 : labels[i];
            double sharpness = 1 + random.NextDouble() * 6;
            var logits = Enumerable.Range(0, 10).Select(c => (c == target ? sharpness : 0) + random.NextDouble()).ToArray();
            double sum = logits.Sum(Math.Exp);
            for (int c = 0; c < 10; c++) probabilities[i * 10 + c] = (float)(Math.Exp(logits[c]) / sum);
        }

        return (new PredictionSet(probabilities, n, labels), probabilities);
    }
}
