namespace Mnist.Training;

/// <summary>What a <see cref="TrainingProgress"/> report is about.</summary>
public enum TrainingStage
{
    /// <summary>An epoch starts.</summary>
    EpochStarted,
    /// <summary>A batch finished (running loss/accuracy are for the epoch so far).</summary>
    BatchCompleted,
    /// <summary>Validation of the epoch runs.</summary>
    Validating,
    /// <summary>An epoch finished; <see cref="TrainingProgress.Metrics"/> is set.</summary>
    EpochCompleted,
}
