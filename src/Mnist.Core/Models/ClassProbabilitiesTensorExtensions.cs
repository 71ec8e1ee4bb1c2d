using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Models;

/// <summary>Conversions between <see cref="ClassProbabilities"/> and TorchSharp tensors.</summary>
public static class ClassProbabilitiesTensorExtensions
{
    /// <summary>A new (N, C) float32 tensor on the CPU holding a copy of the values; the caller owns it.</summary>
    /// <param name="probabilities">The probabilities.</param>
    public static Tensor ToTensor(this ClassProbabilities probabilities)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        var result = empty([probabilities.SampleCount, probabilities.ClassCount], ScalarType.Float32);
        if (probabilities.Values.Length > 0)
        {
            using var accessor = result.data<float>();
            accessor.CopyFrom(probabilities.ToArray());
        }

        return result;
    }

    /// <summary>
    /// Copies an (N, C) tensor of probabilities (float32 or another floating type, on any device) and validates it. The
    /// tensor is not disposed.
    /// </summary>
    /// <param name="probabilities">The tensor.</param>
    /// <exception cref="ArgumentException">The tensor is not two-dimensional, not floating point, or a row is not a probability distribution.</exception>
    public static ClassProbabilities ToClassProbabilities(this Tensor probabilities)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        if (probabilities.dim() != 2)
            throw new ArgumentException($"Probabilities must be an (N, C) tensor; got shape ({string.Join(", ", probabilities.shape)}).", nameof(probabilities));
        if (!probabilities.is_floating_point())
            throw new ArgumentException($"Probabilities must be floating point; got {probabilities.dtype}.", nameof(probabilities));
        long n = probabilities.shape[0], c = probabilities.shape[1];
        if (n > int.MaxValue || c > int.MaxValue || n * c > Array.MaxLength)
            throw new ArgumentException($"An ({n}, {c}) tensor is too large.", nameof(probabilities));
        if (c < 1) throw new ArgumentException("Probabilities need at least one class.", nameof(probabilities));
        using var scope = NewDisposeScope();
        var onCpu = probabilities.to(ScalarType.Float32, CPU).contiguous();
        float[] values = n * c == 0 ? [] : onCpu.data<float>().ToArray();
        return new ClassProbabilities(values, (int)n, (int)c);
    }
}
