using System.Globalization;
using Mnist.Data;
using Mnist.Training;
using ScottPlot;

namespace Mnist;

/// <summary>The figures behind <see cref="MnistPlotExtensions"/>, over raw pixels and labels (validated here).</summary>
internal static class MnistCharts
{
    /// <summary>The most digits one grid figure draws.</summary>
    public const int MaximumGridPanels = 400;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// One digit as it is (0–255) and normalised, <c>(pixel − mean) / standardDeviation</c>, side by side, each with a
    /// colour bar — the notebook's first figure. Default size 900 × 420, title "A digit before and after normalisation".
    /// </summary>
    /// <param name="pixels">The image, <paramref name="height"/> × <paramref name="width"/> bytes, row-major (e.g. <see cref="MnistDataset.GetImage"/>).</param>
    /// <param name="mean">The normaliser's mean on the 0–255 pixel scale (MNIST training set: about 33.32).</param>
    /// <param name="standardDeviation">The normaliser's standard deviation on the 0–255 scale (MNIST: about 78.57); positive.</param>
    /// <param name="height">Image height; default 28.</param>
    /// <param name="width">Image width; default 28.</param>
    /// <param name="options">Size, scale and title; default <see cref="PlotOptions"/> defaults.</param>
    /// <exception cref="ArgumentException">The pixel count is not <paramref name="height"/> × <paramref name="width"/>, or mean/standard deviation are not finite or the deviation not positive.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size or an option is out of range.</exception>
    public static MnistFigure DigitAndNormalized(ReadOnlySpan<byte> pixels, float mean, float standardDeviation, int height = 28, int width = 28, PlotOptions? options = null)
    {
        options = Validated(options);
        CheckImageSize(pixels.Length, 1, height, width, nameof(pixels));
        if (!float.IsFinite(mean)) throw new ArgumentException($"The mean must be finite; got {mean}.", nameof(mean));
        if (!float.IsFinite(standardDeviation) || standardDeviation <= 0)
            throw new ArgumentException($"The standard deviation must be finite and positive; got {standardDeviation}.", nameof(standardDeviation));

        var original = new float[pixels.Length];
        var normalized = new float[pixels.Length];
        for (int i = 0; i < pixels.Length; i++)
        {
            original[i] = pixels[i];
            normalized[i] = (pixels[i] - mean) / standardDeviation;
        }

        var (left, leftMap) = DigitPanels.Image(original, height, width, new ScottPlot.Range(0, 255), withAxes: true);
        left.Title("Original (0–255)", 15);
        left.Add.ColorBar(leftMap).Label = "pixel value";

        var (right, rightMap) = DigitPanels.Image(normalized, height, width, range: null, withAxes: true);
        right.Title(string.Format(Invariant, "Normalised: (x − {0:0.##}) / {1:0.##}", mean, standardDeviation), 15);
        right.Add.ColorBar(rightMap).Label = "normalised value";

        return Figure(options, "A digit before and after normalisation", [left, right], columns: 2, defaultWidth: 900, defaultHeight: 420);
    }

    /// <summary>
    /// A grid of digits with their labels, e.g. an augmented training batch. Images are float on the 0–255 scale (as a
    /// <c>Batch</c> holds them; values outside are clipped to black or white). Default: up to 8 columns, 130 × 150 logical
    /// pixels per digit, title "Augmented training digits".
    /// </summary>
    /// <param name="images">B × <paramref name="height"/> × <paramref name="width"/> values, image after image, row-major.</param>
    /// <param name="labels">B class indices.</param>
    /// <param name="height">Image height; default 28.</param>
    /// <param name="width">Image width; default 28.</param>
    /// <param name="classNames">Display names of the classes; default the class index.</param>
    /// <param name="options">Size, scale, title and columns.</param>
    /// <exception cref="ArgumentException">The sizes disagree, there are no images or more than <see cref="MaximumGridPanels"/>, a value is not finite, or a label is negative or has no class name.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size or an option is out of range.</exception>
    public static MnistFigure LabelledDigits(ReadOnlySpan<float> images, ReadOnlySpan<int> labels, int height = 28, int width = 28, IReadOnlyList<string>? classNames = null, PlotOptions? options = null)
    {
        options = Validated(options);
        if (labels.IsEmpty) throw new ArgumentException("At least one image is required.", nameof(labels));
        if (labels.Length > MaximumGridPanels) throw new ArgumentException($"At most {MaximumGridPanels} digits fit one figure; got {labels.Length}.", nameof(labels));
        CheckImageSize(images.Length, labels.Length, height, width, nameof(images));
        for (int i = 0; i < images.Length; i++)
        {
            if (!float.IsFinite(images[i])) throw new ArgumentException($"Pixel value {i} is not finite ({images[i]}).", nameof(images));
        }

        int imageSize = height * width;
        var panels = new List<Plot>(labels.Length);
        for (int i = 0; i < labels.Length; i++)
        {
            string name = ClassName(labels[i], classNames, nameof(labels));
            var (plot, _) = DigitPanels.Image(images.Slice(i * imageSize, imageSize), height, width, new ScottPlot.Range(0, 255), withAxes: false);
            plot.Title("label " + name, DigitPanels.GridTitleSize);
            panels.Add(plot);
        }

        int columns = options.Columns ?? Math.Min(labels.Length, 8);
        return GridFigure(options, "Augmented training digits", panels, columns, cellWidth: 130, cellHeight: 150);
    }

    /// <summary>A grid of digits given as bytes (0–255) with their labels; see <see cref="LabelledDigits(ReadOnlySpan{float}, ReadOnlySpan{int}, int, int, IReadOnlyList{string}?, PlotOptions?)"/>.</summary>
    /// <param name="images">B × <paramref name="height"/> × <paramref name="width"/> bytes, image after image.</param>
    /// <param name="labels">B class indices.</param>
    /// <param name="height">Image height; default 28.</param>
    /// <param name="width">Image width; default 28.</param>
    /// <param name="classNames">Display names of the classes; default the class index.</param>
    /// <param name="options">Size, scale, title and columns.</param>
    /// <exception cref="ArgumentException">The sizes disagree, there are no images or too many, or a label has no class name.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size or an option is out of range.</exception>
    public static MnistFigure LabelledDigits(ReadOnlySpan<byte> images, ReadOnlySpan<int> labels, int height = 28, int width = 28, IReadOnlyList<string>? classNames = null, PlotOptions? options = null)
    {
        var values = new float[images.Length];
        for (int i = 0; i < images.Length; i++) values[i] = images[i];
        return LabelledDigits(values, labels, height, width, classNames, options);
    }

    /// <summary>
    /// Loss and accuracy per epoch, training (solid) and validation (dashed), one colour per member — two panels side
    /// by side. Default size 1100 × 460, title "Training curves".
    /// </summary>
    /// <param name="members">Each member's display name and history (a single model is a list of one).</param>
    /// <param name="options">Size, scale and title.</param>
    /// <exception cref="ArgumentNullException"><paramref name="members"/>, a name or a history is null.</exception>
    /// <exception cref="ArgumentException">There are no members, a history has no epochs, or a metric is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static MnistFigure TrainingCurves(IReadOnlyList<(string MemberName, TrainingHistory History)> members, PlotOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(members);
        options = Validated(options);
        if (members.Count == 0) throw new ArgumentException("At least one member history is required.", nameof(members));
        int maxEpoch = 1;
        foreach (var (name, history) in members)
        {
            if (name is null) throw new ArgumentNullException(nameof(members), "A member name is null.");
            if (history is null) throw new ArgumentNullException(nameof(members), $"The history of member '{name}' is null.");
            if (history.Epochs.Count == 0) throw new ArgumentException($"The history of member '{name}' has no epochs.", nameof(members));
            foreach (var e in history.Epochs)
            {
                if (!double.IsFinite(e.Loss) || !double.IsFinite(e.Accuracy)
                    || e.ValidationLoss is { } vl && !double.IsFinite(vl) || e.ValidationAccuracy is { } va && !double.IsFinite(va))
                    throw new ArgumentException($"Epoch {e.Epoch} of member '{name}' has a non-finite metric (diverged training?).", nameof(members));
                maxEpoch = Math.Max(maxEpoch, e.Epoch);
            }
        }

        var loss = new Plot();
        var accuracy = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int m = 0; m < members.Count; m++)
        {
            var (name, history) = members[m];
            var color = palette.GetColor(m);
            AddCurve(loss, history, e => e.Loss, name + " train", color, LinePattern.Solid);
            AddCurve(loss, history, e => e.ValidationLoss, name + " validation", color, LinePattern.Dashed);
            AddCurve(accuracy, history, e => e.Accuracy, name + " train", color, LinePattern.Solid);
            AddCurve(accuracy, history, e => e.ValidationAccuracy, name + " validation", color, LinePattern.Dashed);
        }

        StyleCurvePanel(loss, "Loss", "loss (cross-entropy)", maxEpoch);
        StyleCurvePanel(accuracy, "Accuracy", "accuracy", maxEpoch);
        loss.ShowLegend(Alignment.UpperRight);
        accuracy.ShowLegend(Alignment.LowerRight);
        return Figure(options, "Training curves", [loss, accuracy], columns: 2, defaultWidth: 1100, defaultHeight: 460);
    }

    /// <summary>
    /// The confusion matrix as an annotated heatmap: true labels down the left (first class at the top), predicted labels
    /// along the bottom, the count in every cell, a colour bar. Default size grows with the class count (720 × 660 for 10
    /// classes), title "Confusion matrix (accuracy …)".
    /// </summary>
    /// <param name="matrix">The matrix to draw.</param>
    /// <param name="options">Size, scale and title.</param>
    /// <exception cref="ArgumentNullException"><paramref name="matrix"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static MnistFigure ConfusionMatrix(ConfusionMatrix matrix, PlotOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        options = Validated(options);
        int n = matrix.ClassCount;
        var counts = matrix.ToMatrix();
        double max = Math.Max(1, counts.Enumerate().Max());
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(counts.ToArray());
        // ScottPlot's Blues runs from dark to light: reversed, so that large counts are dark as in scikit-learn.
        heatmap.Colormap = new ScottPlot.Colormaps.Blues().Reversed();
        heatmap.ManualRange = new ScottPlot.Range(0, max);
        var colorBar = plot.Add.ColorBar(heatmap);
        colorBar.Label = "samples";
        colorBar.Axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };

        float cellFont = n <= 10 ? 14 : n <= 20 ? 10 : 7;
        for (int t = 0; t < n; t++)
        {
            for (int p = 0; p < n; p++)
            {
                double count = counts[t, p];
                // Row t is drawn at y = n − 1 − t (ScottPlot puts heatmap row 0 on top); column p at x = p.
                var label = plot.Add.Text(((long)count).ToString(Invariant), p, n - 1 - t);
                label.Alignment = Alignment.MiddleCenter;
                label.LabelFontSize = cellFont;
                label.LabelFontColor = count / max > 0.5 ? Colors.White : Colors.Black;
            }
        }

        var positions = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        plot.Axes.Bottom.SetTicks(positions, matrix.ClassNames.ToArray());
        plot.Axes.Left.SetTicks(positions.Select(y => n - 1 - y).ToArray(), matrix.ClassNames.ToArray());
        plot.XLabel("Predicted label", 15);
        plot.YLabel("True label", 15);
        plot.HideGrid();
        plot.Axes.SetLimits(-0.5, n - 0.5, -0.5, n - 0.5);

        string title = string.Format(Invariant, "Confusion matrix (accuracy {0:0.00} %, {1:N0} samples)", matrix.Accuracy * 100, matrix.Total);
        int side = Math.Clamp(120 + 60 * n, 400, 2400);
        return Figure(options, title, [plot], columns: 1, defaultWidth: side + 120, defaultHeight: side);
    }

    /// <summary>
    /// A grid of test digits, each titled with its index, true and predicted label (red when wrong) and the top-3
    /// probabilities — for the wrong, right or most uncertain samples of a <see cref="PredictionSet"/>. Default: up to 5
    /// columns, 220 × 250 logical pixels per digit. An empty list gives a figure saying "No samples".
    /// </summary>
    /// <param name="dataset">The dataset the samples' indices refer to (e.g. the test set).</param>
    /// <param name="samples">The samples to draw, at most <see cref="MaximumGridPanels"/>.</param>
    /// <param name="title">The figure title, e.g. "Wrong predictions"; <see cref="PlotOptions.Title"/> replaces it when set.</param>
    /// <param name="options">Size, scale, title and columns.</param>
    /// <exception cref="ArgumentNullException">An argument or a sample is null.</exception>
    /// <exception cref="ArgumentException">Too many samples, or a sample does not match <paramref name="dataset"/> (index out of range, different true label, class out of range).</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static MnistFigure PredictionSamples(MnistDataset dataset, IReadOnlyList<PredictionSample> samples, string title, PlotOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(title);
        options = Validated(options);
        if (samples.Count > MaximumGridPanels) throw new ArgumentException($"At most {MaximumGridPanels} digits fit one figure; got {samples.Count}.", nameof(samples));
        if (samples.Count == 0)
        {
            return Figure(options, title, [DigitPanels.Message("No samples")], columns: 1, defaultWidth: 400, defaultHeight: 200);
        }

        var names = dataset.ClassNames;
        var panels = new List<Plot>(samples.Count);
        var pixels = new float[dataset.ImageSize];
        foreach (var sample in samples)
        {
            CheckSample(sample, dataset);
            var image = dataset.GetImage(sample.Index);
            for (int i = 0; i < pixels.Length; i++) pixels[i] = image[i];
            var (plot, _) = DigitPanels.Image(pixels, dataset.Height, dataset.Width, new ScottPlot.Range(0, 255), withAxes: false);
            string top = string.Join("  ", sample.TopClasses.Select(c => string.Format(Invariant, "{0}: {1:0.0%}", names[c.ClassIndex], c.Probability)));
            plot.Title(string.Format(Invariant, "#{0}: true {1}, pred {2}\n{3}", sample.Index, names[sample.TrueLabel], names[sample.PredictedLabel], top), DigitPanels.GridTitleSize - 1);
            if (!sample.IsCorrect) plot.Axes.Title.Label.ForeColor = Colors.DarkRed;
            panels.Add(plot);
        }

        int columns = options.Columns ?? Math.Min(samples.Count, 5);
        return GridFigure(options, title, panels, columns, cellWidth: 220, cellHeight: 250);
    }

    private static void AddCurve(Plot plot, TrainingHistory history, Func<EpochMetrics, double?> metric, string legend, ScottPlot.Color color, LinePattern pattern)
    {
        var points = history.Epochs.Where(e => metric(e).HasValue).Select(e => new Coordinates(e.Epoch, metric(e)!.Value)).ToArray();
        if (points.Length == 0) return;
        var line = plot.Add.Scatter(points, color);
        line.LegendText = legend;
        line.LinePattern = pattern;
        line.LineWidth = 2;
        line.MarkerSize = points.Length <= 30 ? 6 : 0;
    }

    private static void StyleCurvePanel(Plot plot, string title, string yLabel, int maxEpoch)
    {
        plot.Title(title, 16);
        plot.XLabel("epoch", 14);
        plot.YLabel(yLabel, 14);
        if (maxEpoch <= 20)
        {
            var epochs = Enumerable.Range(1, maxEpoch).ToArray();
            plot.Axes.Bottom.SetTicks(epochs.Select(e => (double)e).ToArray(), epochs.Select(DigitPanels.Invariant).ToArray());
        }
    }

    private static void CheckSample(PredictionSample sample, MnistDataset dataset)
    {
        if (sample is null) throw new ArgumentNullException(nameof(sample), "A prediction sample is null.");
        if ((uint)sample.Index >= (uint)dataset.Count)
            throw new ArgumentException($"Sample index {sample.Index} is outside {dataset}.", "samples");
        if (dataset.GetLabel(sample.Index) != sample.TrueLabel)
            throw new ArgumentException($"Sample {sample.Index} has true label {sample.TrueLabel} but {dataset.Name} says {dataset.GetLabel(sample.Index)}: the samples come from other data.", "samples");
        if ((uint)sample.PredictedLabel >= (uint)dataset.ClassCount || sample.TopClasses.Any(c => (uint)c.ClassIndex >= (uint)dataset.ClassCount))
            throw new ArgumentException($"Sample {sample.Index} names a class outside the {dataset.ClassCount} classes of {dataset.Name}.", "samples");
    }

    private static string ClassName(int label, IReadOnlyList<string>? classNames, string parameterName)
    {
        if (label < 0 || classNames is not null && label >= classNames.Count)
            throw new ArgumentException($"Label {label} has no class name.", parameterName);
        return classNames is null ? DigitPanels.Invariant(label) : classNames[label];
    }

    private static void CheckImageSize(int length, int count, int height, int width, string parameterName)
    {
        if (height <= 0 || height > 4096) throw new ArgumentOutOfRangeException(nameof(height), height, "Image height must be in [1, 4096].");
        if (width <= 0 || width > 4096) throw new ArgumentOutOfRangeException(nameof(width), width, "Image width must be in [1, 4096].");
        if ((long)count * height * width != length)
            throw new ArgumentException($"{count} image(s) of {height}×{width} need {(long)count * height * width} values; got {length}.", parameterName);
    }

    private static PlotOptions Validated(PlotOptions? options)
    {
        options = options?.Clone() ?? new PlotOptions();
        options.Validate();
        return options;
    }

    private static MnistFigure GridFigure(PlotOptions options, string defaultTitle, List<Plot> panels, int columns, int cellWidth, int cellHeight)
    {
        columns = Math.Min(columns, panels.Count);
        int rows = (panels.Count + columns - 1) / columns;
        string title = options.Title ?? defaultTitle;
        int titleHeight = title.Length == 0 ? 0 : MnistFigure.TitleHeight;
        int width = Math.Clamp(columns * cellWidth, PlotOptions.MinimumSize, PlotOptions.MaximumSize);
        int height = Math.Clamp(rows * cellHeight + titleHeight, PlotOptions.MinimumSize, PlotOptions.MaximumSize);
        return Figure(options, defaultTitle, panels, columns, width, height);
    }

    private static MnistFigure Figure(PlotOptions options, string defaultTitle, IReadOnlyList<Plot> panels, int columns, int defaultWidth, int defaultHeight) =>
        new(options.Title ?? defaultTitle, panels, columns, options.Width ?? defaultWidth, options.Height ?? defaultHeight, options.Scale);
}
