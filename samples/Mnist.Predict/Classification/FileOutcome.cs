namespace Mnist.Predict.Classification;

/// <summary>What happened to one image file: a prediction, or the reason it could not be classified.</summary>
/// <param name="Path">The image file.</param>
/// <param name="Prediction">The class probabilities, or <see langword="null"/> when the file failed.</param>
/// <param name="Error">Why the file failed (names the file and the problem), or <see langword="null"/>.</param>
public sealed record FileOutcome(string Path, DigitPrediction? Prediction, string? Error)
{
    /// <summary>Whether the file was classified.</summary>
    public bool Succeeded => Prediction is not null;
}
