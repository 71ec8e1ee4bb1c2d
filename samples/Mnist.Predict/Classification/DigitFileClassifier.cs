using Mnist.Data;
using Mnist.Models;
using Mnist.Preprocessing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Mnist.Predict.Classification;

/// <summary>
/// Preprocesses image files MNIST-style and classifies them in one batch. A file that cannot be read, decoded or that is
/// blank or too large becomes a failed <see cref="FileOutcome"/>; the other files are still classified.
/// </summary>
public sealed class DigitFileClassifier
{
    private readonly IClassifier _classifier;
    private readonly int _imageSize;
    private readonly DigitImagePreprocessor _preprocessor;

    /// <summary>Creates the file classifier.</summary>
    /// <param name="classifier">The predictor (not disposed by this class).</param>
    /// <param name="preprocessor">The preprocessing; its <see cref="DigitImagePreprocessor.TargetSize"/> must equal the classifier's <see cref="ImageSizeOf">image size</see>.</param>
    /// <exception cref="ArgumentException">The classifier does not take (1, S, S) images, or the sizes differ.</exception>
    public DigitFileClassifier(IClassifier classifier, DigitImagePreprocessor preprocessor)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(preprocessor);
        int size = ImageSizeOf(classifier);
        if (preprocessor.TargetSize != size)
            throw new ArgumentException($"The preprocessor makes {preprocessor.TargetSize}×{preprocessor.TargetSize} images but the classifier expects {size}×{size}.", nameof(preprocessor));
        _classifier = classifier;
        _imageSize = size;
        _preprocessor = preprocessor;
    }

    /// <summary>Side length S of the square single-channel images, (1, S, S), that <paramref name="classifier"/> takes.</summary>
    /// <exception cref="ArgumentException">Its input is not (1, S, S).</exception>
    public static int ImageSizeOf(IClassifier classifier)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        var input = classifier.InputShape;
        if (input.Rank != 3 || input[0] != 1 || input[1] != input[2])
            throw new ArgumentException($"The classifier's input is {input}; a digit classifier needs one channel of square images, e.g. (1, 28, 28).", nameof(classifier));
        return input[1];
    }

    /// <summary>The default preprocessing for a classifier: MNIST's recipe scaled to its image size (box = size × 20 / 28).</summary>
    /// <param name="imageSize">The classifier's image size (<see cref="ImageSizeOf"/>).</param>
    /// <param name="inversion">Whether to invert the images.</param>
    public static DigitImagePreprocessor CreatePreprocessor(int imageSize, DigitInversion inversion = DigitInversion.Auto) => new(new DigitPreprocessingOptions
    {
        TargetSize = imageSize,
        BoxSize = Math.Max(1, (int)Math.Round(imageSize * 20 / 28.0, MidpointRounding.AwayFromZero)),
        Inversion = inversion,
    });

    /// <summary>Classifies <paramref name="files"/>; the outcomes are in the same order.</summary>
    /// <param name="files">The image files.</param>
    /// <param name="savePreprocessedTo">A folder to write each preprocessed image to as PNG (for inspection), or <see langword="null"/>; created if missing.</param>
    /// <exception cref="PreprocessedImageWriteException">The folder cannot be created or a PNG cannot be written into it.</exception>
    /// <exception cref="InvalidModelOutputException">The classifier's output for an image is not a probability distribution (NaN weights, say).</exception>
    public IReadOnlyList<FileOutcome> Classify(IReadOnlyList<string> files, string? savePreprocessedTo = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        int size = _imageSize, pixels = size * size;
        var images = new List<byte[]>(files.Count);
        var errors = new string?[files.Count];
        var slots = new int[files.Count];
        var savedNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (savePreprocessedTo is not null) CreateFolder(savePreprocessedTo);
        for (int i = 0; i < files.Count; i++)
        {
            try
            {
                var digit = _preprocessor.Preprocess(files[i]);
                slots[i] = images.Count;
                images.Add(digit);
                if (savePreprocessedTo is not null) SavePreprocessed(digit, size, files[i], savePreprocessedTo, savedNames);
            }
            catch (DigitImageException ex)
            {
                slots[i] = -1;
                errors[i] = ex.Message;
            }
        }

        var probabilities = Predict(images, files, slots, size);
        var outcomes = new FileOutcome[files.Count];
        for (int i = 0; i < files.Count; i++)
        {
            if (slots[i] < 0)
            {
                outcomes[i] = new FileOutcome(files[i], null, errors[i]);
                continue;
            }

            int classes = _classifier.ClassCount;
            var row = probabilities.AsSpan(slots[i] * classes, classes).ToArray();
            outcomes[i] = new FileOutcome(files[i], new DigitPrediction(files[i], row), null);
        }

        return outcomes;
    }

    /// <summary>
    /// The N × classes probabilities of the preprocessed images (0–255 floats) through <see cref="IClassifier.PredictProba"/>,
    /// which works for every classifier (TorchSharp or ONNX Runtime) and batches internally.
    /// </summary>
    /// <exception cref="InvalidModelOutputException">The classifier's output for one of the images is not a probability distribution.</exception>
    private float[] Predict(List<byte[]> images, IReadOnlyList<string> files, int[] slots, int size)
    {
        int pixels = size * size;
        var batch = new float[images.Count * pixels];
        for (int k = 0; k < images.Count; k++)
        {
            for (int p = 0; p < pixels; p++) batch[(k * pixels) + p] = images[k][p];
        }

        try
        {
            return _classifier.PredictProba(batch, images.Count).ToArray();
        }
        catch (InvalidProbabilitiesException ex)
        {
            throw new InvalidModelOutputException(files[Array.IndexOf(slots, ex.SampleIndex)], ex);
        }
    }

    private static void CreateFolder(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new PreprocessedImageWriteException(folder, ex);
        }
    }

    private static void SavePreprocessed(byte[] digit, int size, string source, string folder, HashSet<string> used)
    {
        string stem = Path.GetFileNameWithoutExtension(source);
        string name = stem + ".png";
        for (int k = 2; !used.Add(name); k++) name = $"{stem}-{k}.png";
        string path = Path.Combine(folder, name);
        using var image = Image.LoadPixelData<L8>(digit, size, size);
        try
        {
            image.SaveAsPng(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new PreprocessedImageWriteException(path, ex);
        }
    }
}
