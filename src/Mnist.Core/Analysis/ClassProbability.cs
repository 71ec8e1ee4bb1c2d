namespace Mnist;

/// <summary>A class index and the probability a model gave it.</summary>
/// <param name="ClassIndex">The class index.</param>
/// <param name="Probability">The predicted probability, in [0, 1].</param>
public readonly record struct ClassProbability(int ClassIndex, float Probability);
