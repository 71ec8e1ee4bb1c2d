using Mnist.Models;

namespace Mnist.Tests.Models;

/// <summary>Builds <see cref="ClassProbabilities"/> from hand-written float[,] tables in tests.</summary>
internal static class ProbabilityMatrices
{
    public static ClassProbabilities ToClassProbabilities(this float[,] table)
    {
        var flat = table.Cast<float>().ToArray();
        return new ClassProbabilities(flat, table.GetLength(0), table.GetLength(1));
    }
}
