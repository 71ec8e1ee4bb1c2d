namespace Mnist;

/// <summary>How <see cref="PredictionSet.MostUncertain"/> ranks a probability vector.</summary>
public enum UncertaintyMeasure
{
    /// <summary>
    /// Population standard deviation of the class probabilities (numpy's <c>np.std</c>): a flat vector has a low
    /// deviation, so the <em>lowest</em> standard deviation is the most uncertain. This is what the Keras MNIST notebook uses.
    /// </summary>
    StandardDeviation,

    /// <summary>Shannon entropy −Σ p·ln p in nats (0·ln 0 = 0): the <em>highest</em> entropy is the most uncertain.</summary>
    Entropy,
}
