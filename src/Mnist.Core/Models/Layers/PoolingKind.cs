namespace Mnist.Models;

/// <summary>What a pooling layer keeps of each window.</summary>
public enum PoolingKind
{
    /// <summary>The maximum.</summary>
    Max = 0,
    /// <summary>The mean.</summary>
    Average,
}
