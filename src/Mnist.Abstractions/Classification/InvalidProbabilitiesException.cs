namespace Mnist.Models;

/// <summary>
/// A classifier produced values that are not probabilities — NaN, an infinity, a negative value, or a row that does not
/// sum to 1 — typically because its weights are NaN or infinite. An <see cref="ArithmeticException"/>, like a training
/// run that diverges: the model is broken, not the caller's argument.
/// </summary>
public sealed class InvalidProbabilitiesException : ArithmeticException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="sampleIndex">The first sample whose row is invalid.</param>
    /// <param name="message">What is wrong with it.</param>
    public InvalidProbabilitiesException(int sampleIndex, string message)
        : base(message)
    {
        SampleIndex = sampleIndex;
    }

    /// <summary>The index (in prediction order) of the first sample whose probabilities are invalid.</summary>
    public int SampleIndex { get; }
}
