using Mnist.Models;

namespace Mnist.Predict.Classification;

/// <summary>The classifier's output for an image is not a probability distribution: the model is broken (NaN or infinite weights, say).</summary>
public sealed class InvalidModelOutputException : ArithmeticException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="imagePath">The first image whose output is invalid.</param>
    /// <param name="inner">What the library reported.</param>
    public InvalidModelOutputException(string imagePath, InvalidProbabilitiesException inner)
        : base($"the model's output for {imagePath} is not a finite probability (its weights are probably NaN or infinite); nothing was classified.", inner)
    {
        ImagePath = imagePath;
    }

    /// <summary>The first image whose output is invalid.</summary>
    public string ImagePath { get; }
}
