namespace Mnist.Training;

/// <summary>
/// The training loss became NaN or infinite. The model's weights were restored to their state at the start of the
/// failing epoch and the optimiser was reset; <see cref="History"/> holds every epoch completed before.
/// </summary>
public sealed class TrainingDivergedException : ArithmeticException
{
    /// <summary>Creates the exception.</summary>
    public TrainingDivergedException(string message, TrainingHistory history)
        : base(message) => History = history;

    /// <summary>The epochs completed before the divergence (also kept in the model's history).</summary>
    public TrainingHistory History { get; }
}
