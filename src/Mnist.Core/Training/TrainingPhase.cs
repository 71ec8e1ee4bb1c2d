using System.Globalization;

namespace Mnist.Training;

/// <summary>One phase of a <see cref="TrainingSchedule"/>: train <see cref="Epochs"/> epochs, first setting the learning rate when given.</summary>
public sealed record TrainingPhase
{
    /// <summary>Creates a phase.</summary>
    /// <param name="epochs">Epochs to train (positive).</param>
    /// <param name="learningRate">Learning rate set before the phase (the notebook's <c>set_lr</c>), or <see langword="null"/> to keep the current one.</param>
    /// <exception cref="ArgumentOutOfRangeException">Epochs not positive, or a learning rate that is not finite and positive.</exception>
    public TrainingPhase(int epochs, double? learningRate = null)
    {
        if (epochs <= 0) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, $"epochs must be positive; got {epochs}.");
        if (learningRate is { } lr && (!double.IsFinite(lr) || lr <= 0))
            throw new ArgumentOutOfRangeException(nameof(learningRate), lr, $"learningRate must be a finite positive number; got {lr}.");
        Epochs = epochs;
        LearningRate = learningRate;
    }

    /// <summary>Epochs trained in this phase.</summary>
    public int Epochs { get; }

    /// <summary>Learning rate set before the phase, or <see langword="null"/> to keep the optimiser's current one.</summary>
    public double? LearningRate { get; }

    /// <summary>E.g. <c>1 epoch at lr 0.01</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Epochs} epoch{(Epochs == 1 ? string.Empty : "s")}") +
        (LearningRate is { } lr ? string.Create(CultureInfo.InvariantCulture, $" at lr {lr}") : " at the current lr");
}
