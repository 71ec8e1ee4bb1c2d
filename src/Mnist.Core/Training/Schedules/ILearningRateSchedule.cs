namespace Mnist.Training;

/// <summary>A learning rate as a function of training progress, applied by <see cref="LearningRateScheduler"/>.</summary>
public interface ILearningRateSchedule
{
    /// <summary>The learning rate at <paramref name="epochProgress"/> (0-based epochs, fractional within an epoch).</summary>
    double LearningRateAt(double epochProgress);
}
