namespace Mnist.Training;

/// <summary>
/// What a model (or every member of an ensemble) is trained with, as <see cref="FitOptions.Schedule"/>: one or more <see cref="TrainingPhase"/>s run in order,
/// each some epochs after optionally setting the learning rate. The notebook's <c>fit</c> is
/// <see cref="Epochs(int)"/>, its <c>long_fit</c> is <see cref="NotebookLongFit"/>. Immutable.
/// </summary>
public sealed class TrainingSchedule
{
    private readonly TrainingPhase[] _phases;

    private TrainingSchedule(TrainingPhase[] phases) => _phases = phases;

    /// <summary>The phases, in order (at least one).</summary>
    public IReadOnlyList<TrainingPhase> Phases => _phases;

    /// <summary>Epochs over all phases.</summary>
    public int TotalEpochs => _phases.Sum(p => p.Epochs);

    /// <summary>A single phase of <paramref name="epochs"/> at the current learning rate (the notebook's <c>fit</c>).</summary>
    /// <param name="epochs">Epochs (positive).</param>
    public static TrainingSchedule Epochs(int epochs) => new([new TrainingPhase(epochs)]);

    /// <summary>A single phase of <paramref name="epochs"/> at <paramref name="learningRate"/>.</summary>
    /// <param name="epochs">Epochs (positive).</param>
    /// <param name="learningRate">Learning rate set before training.</param>
    public static TrainingSchedule Epochs(int epochs, double learningRate) => new([new TrainingPhase(epochs, learningRate)]);

    /// <summary>The given phases, in order.</summary>
    /// <exception cref="ArgumentException">No phase, or a null phase.</exception>
    public static TrainingSchedule FromPhases(params TrainingPhase[] phases)
    {
        ArgumentNullException.ThrowIfNull(phases);
        if (phases.Length == 0) throw new ArgumentException("A schedule needs at least one phase.", nameof(phases));
        if (phases.Any(p => p is null)) throw new ArgumentException("phases contains null.", nameof(phases));
        return new((TrainingPhase[])phases.Clone());
    }

    /// <summary>
    /// Phases given as (learning rate, epochs) pairs: <c>TrainingSchedule.FromPhases((0.01, 1), (0.0001, 1))</c>.
    /// </summary>
    /// <exception cref="ArgumentException">No phase.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A learning rate or epoch count is invalid.</exception>
    public static TrainingSchedule FromPhases(params (double LearningRate, int Epochs)[] phases)
    {
        ArgumentNullException.ThrowIfNull(phases);
        return FromPhases(phases.Select(p => new TrainingPhase(p.Epochs, p.LearningRate)).ToArray());
    }

    /// <summary>
    /// The notebook's <c>long_fit(epoch_1, epoch_2)</c> as its code states it: learning rate 0.01 for
    /// <paramref name="firstEpochs"/> epochs, then 0.0001 for <paramref name="secondEpochs"/> epochs. (Under Keras 1.1
    /// the notebook's second <c>set_lr</c> most likely had no effect, because the training function built by the first
    /// <c>fit</c> kept the rate of 0.01; see docs/train-sample.md.)
    /// </summary>
    /// <param name="firstEpochs">Epochs at 0.01 (the notebook's <c>epoch_1</c>).</param>
    /// <param name="secondEpochs">Epochs at 0.0001 (the notebook's <c>epoch_2</c>).</param>
    public static TrainingSchedule NotebookLongFit(int firstEpochs, int secondEpochs) => FromPhases((0.01, firstEpochs), (0.0001, secondEpochs));

    /// <summary>The phases, e.g. <c>1 epoch at lr 0.01, then 1 epoch at lr 0.0001</c>.</summary>
    public override string ToString() => string.Join(", then ", _phases.Select(p => p.ToString()));
}
