
namespace Mnist.Training;

/// <summary>lr = initial × factor^⌊epoch / stepEpochs⌋ (changes at epoch boundaries).</summary>
public sealed class StepDecaySchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="initialLearningRate">Learning rate of the first step.</param>
    /// <param name="stepEpochs">Epochs per step (default 1).</param>
    /// <param name="factor">Multiplier per step in (0, 1] (default 0.1).</param>
    public StepDecaySchedule(double initialLearningRate, int stepEpochs = 1, double factor = 0.1)
    {
        Guard.MustBeFinitePositive(initialLearningRate);
        Guard.MustBePositive(stepEpochs);
        Guard.MustBeInRange(factor, double.Epsilon, 1);
        InitialLearningRate = initialLearningRate;
        StepEpochs = stepEpochs;
        Factor = factor;
    }

    /// <summary>Learning rate of the first step.</summary>
    public double InitialLearningRate { get; }

    /// <summary>Epochs per step.</summary>
    public int StepEpochs { get; }

    /// <summary>Multiplier per step.</summary>
    public double Factor { get; }

    /// <inheritdoc />
    public double LearningRateAt(double epochProgress) => InitialLearningRate * Math.Pow(Factor, Math.Floor(Math.Max(epochProgress, 0) / StepEpochs));
}
