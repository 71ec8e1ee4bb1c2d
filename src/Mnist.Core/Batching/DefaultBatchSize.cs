namespace Mnist.Data;

/// <summary>
/// The library's default batch sizes, one per purpose, used by every method that has a batch-size default
/// (<c>Batches</c>, <c>Flow</c>, the <c>Fit</c>/<c>Evaluate</c>/<c>Predict…</c> overloads that take a dataset).
/// </summary>
public static class DefaultBatchSize
{
    /// <summary>Samples per training batch: 64, the notebook's (Keras' own default is 32).</summary>
    public const int Training = 64;

    /// <summary>
    /// Samples per evaluation or prediction batch: 256. No gradients are kept, so a larger batch only costs activation
    /// memory and amortises per-batch overhead; results do not depend on it.
    /// </summary>
    public const int Evaluation = 256;
}
