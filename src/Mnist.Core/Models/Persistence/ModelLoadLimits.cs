namespace Mnist.Models;

/// <summary>
/// Upper bounds that <see cref="SequentialModel.Load"/> (and ensemble loading) applies to a model file before it allocates
/// memory for it: the size and nesting of <c>model.json</c>, the number of layers, the total number of stored values
/// (parameters and batch-norm statistics) and the values one sample occupies inside the network. They are checked from
/// the stored layer list, before any tensor exists; the size of <c>weights.bin</c> is bounded by what the architecture
/// implies and needs no setting. The defaults accept every model of this library with room to spare; raise a limit to
/// load a larger model from a file you trust. Validated when loading.
/// </summary>
public sealed class ModelLoadLimits
{
    /// <summary>Default of <see cref="MaxParameters"/>: 100 million values (400 MB of float32 weights).</summary>
    public const long DefaultMaxParameters = 100_000_000;

    /// <summary>Default of <see cref="MaxActivationElements"/>: 16,777,216 (2^24) values per sample (64 MiB of float32).</summary>
    public const long DefaultMaxActivationElements = 1L << 24;

    /// <summary>Default of <see cref="MaxArchitectureBytes"/>: 1 MiB.</summary>
    public const int DefaultMaxArchitectureBytes = 1 << 20;

    /// <summary>Default of <see cref="MaxJsonDepth"/>: 32 levels.</summary>
    public const int DefaultMaxJsonDepth = 32;

    /// <summary>Default of <see cref="MaxLayers"/>: 1,000 layers.</summary>
    public const int DefaultMaxLayers = 1_000;

    /// <summary>
    /// Most values the network may store: every parameter, batch-norm moving statistic and counter, summed over the
    /// layers. Default <see cref="DefaultMaxParameters"/>.
    /// </summary>
    public long MaxParameters { get; set; } = DefaultMaxParameters;

    /// <summary>
    /// Most values one sample may occupy at any point of the network: the input, each layer's output, and a
    /// convolution's padded input and unfolded patches. A batch needs this times the batch size. Default
    /// <see cref="DefaultMaxActivationElements"/>.
    /// </summary>
    public long MaxActivationElements { get; set; } = DefaultMaxActivationElements;

    /// <summary>Most bytes <c>model.json</c> may hold once decompressed. Default <see cref="DefaultMaxArchitectureBytes"/>.</summary>
    public int MaxArchitectureBytes { get; set; } = DefaultMaxArchitectureBytes;

    /// <summary>Deepest nesting of objects and arrays allowed in <c>model.json</c>. Default <see cref="DefaultMaxJsonDepth"/>.</summary>
    public int MaxJsonDepth { get; set; } = DefaultMaxJsonDepth;

    /// <summary>Most layers a stored architecture may list. Default <see cref="DefaultMaxLayers"/>.</summary>
    public int MaxLayers { get; set; } = DefaultMaxLayers;

    /// <summary>Throws when a limit is not positive.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit is zero or negative, or <see cref="MaxJsonDepth"/> is below 4 (model files nest three levels).</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxParameters);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxActivationElements);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxArchitectureBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxJsonDepth, 4);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxLayers);
    }

    /// <summary>A copy, so that later changes by the caller do not affect a load in progress.</summary>
    public ModelLoadLimits Clone() => new()
    {
        MaxParameters = MaxParameters,
        MaxActivationElements = MaxActivationElements,
        MaxArchitectureBytes = MaxArchitectureBytes,
        MaxJsonDepth = MaxJsonDepth,
        MaxLayers = MaxLayers,
    };
}
