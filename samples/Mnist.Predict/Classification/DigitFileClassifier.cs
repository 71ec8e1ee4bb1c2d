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
    private readonly IDigitClassifier _classifier;
    private readonly DigitImagePreprocessor _preprocessor;

    /// <summary>Creates the file classifier.</summary>
    /// <param name="classifier">The predictor (not disposed by this class).</param>
    /// <param name="preprocessor">The preprocessing; its <see cref="DigitImagePreprocessor.TargetSize"/> must equal the classifier's <see cref="IDigitClassifier.ImageSize"/>.</param>
    /// <exception cref="ArgumentException">The sizes differ.</exception>
    public DigitFileClassifier(IDigitClassifier classifier, DigitImagePreprocessor preprocessor)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(preprocessor);
        if (preprocessor.TargetSize != classifier.ImageSize)
            throw new ArgumentException($"The preprocessor makes {preprocessor.TargetSize}×{preprocessor.TargetSize} images but the classifier expects {classifier.ImageSize}×{classifier.ImageSize}.", nameof(preprocessor));
        _classifier = classifier;
        _preprocessor = preprocessor;
    }

    /// <summary>The default preprocessing for a classifier: MNIST's recipe scaled to its image size (box = size × 20 / 28).</summary>
    /// <param name="imageSize">The classifier's <see cref="IDigitClassifier.ImageSize"/>.</param>
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
    public IReadOnlyList<FileOutcome> Classify(IReadOnlyList<string> files, string? savePreprocessedTo = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        int size = _classifier.ImageSize, pixels = size * size;
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

        var batch = new float[images.Count * pixels];
        for (int n = 0; n < images.Count; n++)
        {
            for (int p = 0; p < pixels; p++) batch[n * pixels + p] = images[n][p];
        }

        var probabilities = images.Count == 0 ? new float[0, _classifier.ClassCount] : _classifier.PredictProba(batch, images.Count);
        var outcomes = new FileOutcome[files.Count];
        for (int i = 0; i < files.Count; i++)
        {
            if (slots[i] < 0)
            {
                outcomes[i] = new FileOutcome(files[i], null, errors[i]);
                continue;
            }

            var row = new float[_classifier.ClassCount];
            for (int c = 0; c < row.Length; c++) row[c] = probabilities[slots[i], c];
            outcomes[i] = new FileOutcome(files[i], new DigitPrediction(files[i], row), null);
        }

        return outcomes;
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
