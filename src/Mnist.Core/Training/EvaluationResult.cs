namespace Mnist.Training;

/// <summary>What <c>Evaluate</c> measured (Keras returns [loss, acc]).</summary>
/// <param name="Loss">Mean categorical cross-entropy.</param>
/// <param name="Accuracy">Fraction of samples whose most probable class is the true one.</param>
/// <param name="SampleCount">Number of samples evaluated.</param>
public sealed record EvaluationResult(double Loss, double Accuracy, int SampleCount);
