
namespace Mnist.Training;

/// <summary>Cosine decay from the initial to the minimum learning rate over <see cref="TotalEpochs"/>, per batch.</summary>
public sealed class CosineAnnealingSchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="initialLearningRate">Learning rate at the start.</param>
    /// <param name="totalEpochs">Length of the decay in epochs.</param>
    /// <param name="minimumLearningRate">Learning rate at the end and after it (default 0).</param>
    public CosineAnnealingSchedule(double initialLearningRate, int totalEpochs, double minimumLearningRate = 0)
    {
        Guard.MustBeFinitePositive(initialLearningRate);
        Guard.MustBePositive(totalEpochs);
        Guard.MustBeInRange(minimumLearningRate, 0, initialLearningRate);
        InitialLearningRate = initialLearningRate;
        TotalEpochs = totalEpochs;
        MinimumLearningRate = minimumLearningRate;
    }

    /// <summary>Learning rate at the start.</summary>
    public double InitialLearningRate { get; }

    /// <summary>Length of the decay in epochs.</summary>
    public int TotalEpochs { get; }

    /// <summary>Learning rate at the end.</summary>
    public double MinimumLearningRate { get; }

    /// <inheritdoc />
    public double LearningRateAt(double epochProgress)
    {
        double t = Math.Clamp(epochProgress / TotalEpochs, 0, 1);
        return MinimumLearningRate + (InitialLearningRate - MinimumLearningRate) * (1 + Math.Cos(Math.PI * t)) / 2;
    }
}
