using Mnist.Data;
using Mnist.Training;

namespace Mnist;

/// <summary>
/// The pictures of the Keras MNIST notebook as extension methods over the library's own types: a dataset's digits
/// (as they are and normalised), a batch of (augmented) digits, a model's training history, a confusion matrix and
/// the wrong, right or uncertain predictions of a prediction set. Every method returns a <see cref="MnistFigure"/>
/// (ScottPlot 5); call <see cref="MnistFigure.SavePng"/> or <see cref="MnistFigure.ToPngBytes"/> and dispose it.
/// </summary>
/// <example>
/// <code>
/// using (var figure = predictions.ToConfusionMatrix().Plot()) figure.SavePng("confusion.png");
/// using (var figure = model.History.PlotTrainingCurves()) figure.SavePng("curves.png");
/// </code>
/// </example>
public static class MnistPlotExtensions
{
    /// <summary>The most digits one grid figure draws (400).</summary>
    public const int MaximumGridPanels = MnistCharts.MaximumGridPanels;

    /// <summary>
    /// Digit <paramref name="index"/> of <paramref name="dataset"/> as it is (0–255) and normalised by
    /// <paramref name="normalizer"/>, side by side with colour bars — the notebook's first figure (900 × 420 by default).
    /// </summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="index">0-based image index.</param>
    /// <param name="normalizer">The statistics the model normalises with.</param>
    /// <param name="options">Size, scale and title.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the dataset, or an option is out of range.</exception>
    public static MnistFigure PlotDigitAndNormalized(this MnistDataset dataset, int index, Normalizer normalizer, PlotOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(normalizer);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, dataset.Count);
        return MnistCharts.DigitAndNormalized(dataset.GetImage(index), normalizer.Mean, normalizer.StandardDeviation, dataset.Height, dataset.Width, options);
    }

    /// <summary>
    /// A grid of digits of <paramref name="dataset"/> with their class names (up to 8 columns by default).
    /// </summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="indices">The images to draw, 1 to <see cref="MaximumGridPanels"/>.</param>
    /// <param name="options">Size, scale, title (default "Augmented training digits"; set your own) and columns.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside the dataset, or an option is out of range.</exception>
    /// <exception cref="ArgumentException">No indices, or more than <see cref="MaximumGridPanels"/>.</exception>
    public static MnistFigure PlotDigits(this MnistDataset dataset, IReadOnlyList<int> indices, PlotOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(indices);
        if (indices.Count > MaximumGridPanels) throw new ArgumentException($"At most {MaximumGridPanels} digits fit one figure; got {indices.Count}.", nameof(indices));
        int size = dataset.Height * dataset.Width;
        var pixels = new byte[indices.Count * size];
        var labels = new int[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            int index = indices[i];
            if ((uint)index >= (uint)dataset.Count)
                throw new ArgumentOutOfRangeException(nameof(indices), index, $"Index {index} is outside the dataset of {dataset.Count} images.");
            dataset.GetImage(index).CopyTo(pixels.AsSpan(i * size, size));
            labels[i] = dataset.GetLabel(index);
        }

        return MnistCharts.LabelledDigits(pixels, labels, dataset.Height, dataset.Width, dataset.ClassNames, options);
    }

    /// <summary>
    /// The digits of a batch (e.g. the first batch of an augmenting source) with their labels. Images are float on the
    /// 0–255 scale, as a <see cref="Batch"/> holds them; values outside are clipped to black or white.
    /// </summary>
    /// <param name="batch">A batch of B × 1 × H × W images and B labels.</param>
    /// <param name="classNames">Display names of the classes (e.g. <see cref="MnistDataset.ClassNames"/>); default the class index.</param>
    /// <param name="options">Size, scale, title and columns.</param>
    /// <exception cref="ArgumentException">The batch is not B × 1 × H × W, holds more than <see cref="MaximumGridPanels"/> images, or a label has no class name.</exception>
    public static MnistFigure PlotDigits(this Batch batch, IReadOnlyList<string>? classNames = null, PlotOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var shape = batch.Images.shape;
        if (shape.Length != 4 || shape[1] != 1)
            throw new ArgumentException($"A batch of grey-scale images is B × 1 × H × W; this one is {string.Join(" × ", shape)}.", nameof(batch));
        if (batch.Count > MaximumGridPanels) throw new ArgumentException($"At most {MaximumGridPanels} digits fit one figure; the batch holds {batch.Count}.", nameof(batch));
        using var images = batch.Images.to(TorchSharp.torch.ScalarType.Float32).cpu();
        using var labels = batch.Labels.to(TorchSharp.torch.ScalarType.Int64).cpu();
        var pixels = images.data<float>().ToArray();
        var classes = labels.data<long>().ToArray().Select(l => checked((int)l)).ToArray();
        return MnistCharts.LabelledDigits(pixels, classes, (int)shape[2], (int)shape[3], classNames, options);
    }

    /// <summary>Loss and accuracy per epoch of one model, training (solid) and validation (dashed).</summary>
    /// <param name="history">The model's history (e.g. <c>model.History</c>).</param>
    /// <param name="name">The legend name; default "model".</param>
    /// <param name="options">Size, scale and title.</param>
    /// <exception cref="ArgumentException">The history has no epochs or a metric is not finite.</exception>
    public static MnistFigure PlotTrainingCurves(this TrainingHistory history, string name = "model", PlotOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(name);
        return MnistCharts.TrainingCurves([(name, history)], options);
    }

    /// <summary>
    /// Loss and accuracy per epoch of several models (e.g. the members of an ensemble), one colour each, training
    /// (solid) and validation (dashed); 1100 × 460 by default.
    /// </summary>
    /// <param name="histories">Each model's display name and history.</param>
    /// <param name="options">Size, scale and title.</param>
    /// <exception cref="ArgumentException">There are no histories, one has no epochs, or a metric is not finite.</exception>
    public static MnistFigure PlotTrainingCurves(this IEnumerable<(string Name, TrainingHistory History)> histories, PlotOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(histories);
        return MnistCharts.TrainingCurves(histories.ToList(), options);
    }

    /// <summary>The confusion matrix as an annotated heat map (true label down, predicted label across).</summary>
    /// <param name="matrix">The matrix (e.g. <c>predictions.ToConfusionMatrix()</c>).</param>
    /// <param name="options">Size, scale and title.</param>
    public static MnistFigure Plot(this ConfusionMatrix matrix, PlotOptions? options = null) => MnistCharts.ConfusionMatrix(matrix, options);

    /// <summary>
    /// Predictions of <paramref name="dataset"/>'s digits as a grid: each digit with its true and predicted class and
    /// its top probabilities (the notebook's wrong, right and most-uncertain figures).
    /// </summary>
    /// <param name="samples">The samples, e.g. <c>predictions.Wrong(24)</c>, <c>Right(24)</c> or <c>MostUncertain(24)</c>.</param>
    /// <param name="dataset">The dataset the predictions were made on (for the images and class names).</param>
    /// <param name="title">The figure's title, e.g. "Wrongly classified test digits".</param>
    /// <param name="options">Size, scale and columns.</param>
    /// <exception cref="ArgumentException">A sample's index is outside the dataset, or there are too many samples.</exception>
    public static MnistFigure PlotPredictions(this IReadOnlyList<PredictionSample> samples, MnistDataset dataset, string title, PlotOptions? options = null) =>
        MnistCharts.PredictionSamples(dataset, samples, title, options);
}
