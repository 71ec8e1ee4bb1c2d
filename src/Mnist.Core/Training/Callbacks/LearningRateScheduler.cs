using Mnist.Training;

namespace Mnist.Training;

/// <summary>Sets the learning rate from a schedule before every batch (Keras <c>LearningRateScheduler</c>, per step).</summary>
public sealed class LearningRateScheduler : Callback
{
    /// <summary>Creates the callback.</summary>
    /// <param name="schedule">Learning rate as a function of epoch progress (e.g. <see cref="CosineAnnealingSchedule"/>).</param>
    public LearningRateScheduler(ILearningRateSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        Schedule = schedule;
    }

    /// <summary>The schedule applied.</summary>
    public ILearningRateSchedule Schedule { get; }

    /// <inheritdoc />
    public override void OnBatchBegin(TrainingContext context) =>
        context.Model.LearningRate = Schedule.LearningRateAt(context.EpochProgress);
}
