namespace Mnist.Predict.Classification;

/// <summary>
/// Something that gives class probabilities for square greyscale digit images on the 0–255 scale (light ink on black, as
/// MNIST): a single saved model (<see cref="ModelDigitClassifier"/>) or, later, an ensemble. The app only talks to this.
/// </summary>
public interface IDigitClassifier : IDisposable
{
    /// <summary>A one-line description for the console, e.g. <c>"model digits.mnistmodel (10 classes, 1,199,882 parameters)"</c>.</summary>
    string Description { get; }

    /// <summary>How many classes the probabilities cover.</summary>
    int ClassCount { get; }

    /// <summary>Side length in pixels of the square images the classifier expects (28 for MNIST).</summary>
    int ImageSize { get; }

    /// <summary>Class probabilities for <paramref name="count"/> images.</summary>
    /// <param name="batch0To255">The images one after another, each <see cref="ImageSize"/>² floats, row-major, on the 0–255 scale.</param>
    /// <param name="count">How many images <paramref name="batch0To255"/> holds.</param>
    /// <returns><paramref name="count"/> × <see cref="ClassCount"/> probabilities; each row sums to 1.</returns>
    float[,] PredictProba(float[] batch0To255, int count);
}
