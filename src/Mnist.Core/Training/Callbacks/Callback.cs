namespace Mnist.Training;

/// <summary>
/// Hooks into <c>Fit</c> (Keras callbacks). Override what you need; every method does nothing by default.
/// Set <see cref="TrainingContext.StopTraining"/> to end training after the current epoch.
/// </summary>
public abstract class Callback
{
    /// <summary>Before the first epoch of a <c>Fit</c> call.</summary>
    public virtual void OnTrainBegin(TrainingContext context)
    {
    }

    /// <summary>Before each epoch (<see cref="TrainingContext.Epoch"/> is set).</summary>
    public virtual void OnEpochBegin(TrainingContext context)
    {
    }

    /// <summary>Before each batch (<see cref="TrainingContext.Batch"/> is set); e.g. to set a per-step learning rate.</summary>
    public virtual void OnBatchBegin(TrainingContext context)
    {
    }

    /// <summary>After each epoch, with its metrics (validation included when given).</summary>
    public virtual void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
    }

    /// <summary>After the last epoch, or when training stops early or is cancelled.</summary>
    public virtual void OnTrainEnd(TrainingContext context)
    {
    }
}
