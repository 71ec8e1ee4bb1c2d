namespace Mnist.Models;

/// <summary>A class and its probability, as returned by <see cref="ClassProbabilities.TopK"/>.</summary>
/// <param name="Class">The class index.</param>
/// <param name="Probability">Its predicted probability.</param>
public readonly record struct RankedClass(int Class, float Probability);
