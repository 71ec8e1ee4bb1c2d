namespace Mnist.Training;

/// <summary>The per-epoch record of one or more <c>Fit</c> calls (Keras' <c>History</c>).</summary>
public sealed class TrainingHistory
{
    private readonly List<EpochMetrics> _epochs = new();

    /// <summary>Creates an empty history.</summary>
    public TrainingHistory()
    {
    }

    /// <summary>Creates a history holding <paramref name="epochs"/>.</summary>
    public TrainingHistory(IEnumerable<EpochMetrics> epochs)
    {
        ArgumentNullException.ThrowIfNull(epochs);
        _epochs.AddRange(epochs);
    }

    /// <summary>The epochs, in order.</summary>
    public IReadOnlyList<EpochMetrics> Epochs => _epochs;

    /// <summary>Appends one epoch.</summary>
    public void Add(EpochMetrics epoch)
    {
        ArgumentNullException.ThrowIfNull(epoch);
        _epochs.Add(epoch);
    }
}
