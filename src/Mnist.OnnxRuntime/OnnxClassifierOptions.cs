namespace Mnist.OnnxRuntime;

/// <summary>How <see cref="OnnxClassifier.Load"/> opens a model. Validated and copied by <c>Load</c>.</summary>
public sealed class OnnxClassifierOptions
{
    /// <summary>The largest file accepted: 512 MiB by default (the library's models take a few megabytes). At least 1.</summary>
    public long MaxFileBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>Images per ONNX Runtime call when predicting many: 256 by default (the library's evaluation batch size). At least 1.</summary>
    public int BatchSize { get; set; } = 256;

    /// <summary>
    /// Threads ONNX Runtime may use inside one call; <see langword="null"/> (default) lets ONNX Runtime choose (one per
    /// physical core). At least 1.
    /// </summary>
    public int? IntraOpThreads { get; set; }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the parameter name is the property's.</exception>
    public void Validate()
    {
        if (MaxFileBytes < 1) throw new ArgumentOutOfRangeException(nameof(MaxFileBytes), MaxFileBytes, "MaxFileBytes must be at least 1.");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be at least 1.");
        if (IntraOpThreads is < 1) throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), IntraOpThreads, "IntraOpThreads must be at least 1, or null.");
    }

    /// <summary>A copy.</summary>
    public OnnxClassifierOptions Clone() => new() { MaxFileBytes = MaxFileBytes, BatchSize = BatchSize, IntraOpThreads = IntraOpThreads };
}
