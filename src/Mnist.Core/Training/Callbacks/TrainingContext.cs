using Mnist.Models;

namespace Mnist.Training;

/// <summary>The state of a running <c>Fit</c>, shared with callbacks.</summary>
public sealed class TrainingContext
{
    internal TrainingContext(SequentialModel model, int epochs, int stepsPerEpoch, TrainingHistory history)
    {
        Model = model;
        Epochs = epochs;
        StepsPerEpoch = stepsPerEpoch;
        History = history;
    }

    /// <summary>The model being trained (read its weights, change <see cref="SequentialModel.LearningRate"/>).</summary>
    public SequentialModel Model { get; }

    /// <summary>Number of epochs requested for this fit.</summary>
    public int Epochs { get; }

    /// <summary>Batches per epoch (the last may be partial).</summary>
    public int StepsPerEpoch { get; }

    /// <summary>0-based epoch index within this fit.</summary>
    public int Epoch { get; internal set; }

    /// <summary>0-based batch index within the epoch.</summary>
    public int Batch { get; internal set; }

    /// <summary>Epoch progress as a fraction: <see cref="Epoch"/> + <see cref="Batch"/> / <see cref="StepsPerEpoch"/>.</summary>
    public double EpochProgress => Epoch + (double)Batch / Math.Max(StepsPerEpoch, 1);

    /// <summary>Epochs of this fit so far.</summary>
    public TrainingHistory History { get; }

    /// <summary>Set to stop training at the end of the current epoch (early stopping).</summary>
    public bool StopTraining { get; set; }
}
