namespace Mnist;

/// <summary>One test sample as a model saw it: its labels and the classes it found most likely.</summary>
/// <param name="Index">Position of the sample in the evaluated data (e.g. the test set).</param>
/// <param name="TrueLabel">The true class index.</param>
/// <param name="PredictedLabel">The class with the highest probability (the lowest index wins a tie).</param>
/// <param name="TopClasses">The most probable classes, most probable first (ties: lower class index first); usually 3.</param>
public sealed record PredictionSample(int Index, int TrueLabel, int PredictedLabel, IReadOnlyList<ClassProbability> TopClasses)
{
    /// <summary>Whether the prediction is right.</summary>
    public bool IsCorrect => TrueLabel == PredictedLabel;
}
