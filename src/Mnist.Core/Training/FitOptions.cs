using Mnist.Data;
using Mnist.Training;

namespace Mnist.Training;

/// <summary>
/// Everything a <c>Fit</c> takes besides the training data and the cancellation token (Keras <c>fit</c>'s keyword
/// arguments): how long and at which learning rates (<see cref="Epochs"/> or <see cref="Schedule"/>), what to validate on,
/// callbacks and progress. The one options type of <c>SequentialModel.Fit</c>; <c>ModelEnsemble.Fit</c> takes
/// <c>EnsembleFitOptions</c>, which extends it with the ensemble-only settings. Mutable, with documented defaults;
/// <c>Fit</c> clones and validates it at the start, so changing it during a fit has no effect. <see langword="null"/>
/// options mean all defaults.
/// </summary>
public class FitOptions
{
    /// <summary>
    /// Epochs to train at the current learning rate (Keras <c>epochs</c>); default <see langword="null"/>: 1 when no
    /// <see cref="Schedule"/> is given. Set either this or <see cref="Schedule"/>, not both.
    /// </summary>
    public int? Epochs { get; set; }

    /// <summary>
    /// The phases to train, each setting the learning rate before its epochs (e.g. <see cref="TrainingSchedule.NotebookLongFit"/>);
    /// default <see langword="null"/>: <see cref="Epochs"/> at the current learning rate. Set either this or <see cref="Epochs"/>.
    /// </summary>
    public TrainingSchedule? Schedule { get; set; }

    /// <summary>
    /// Evaluated after each epoch when given (Keras <c>validation_data</c>; unaugmented, e.g.
    /// <c>test.Batches(DefaultBatchSize.Evaluation)</c>); default none.
    /// </summary>
    public IBatchSource? Validation { get; set; }

    /// <summary>
    /// Early stopping, checkpoints, learning-rate schedulers, CSV logging, … (Keras <c>callbacks</c>); default none. With a
    /// schedule of several phases each phase is one training run for the callbacks (<c>OnTrainBegin</c>…<c>OnTrainEnd</c>).
    /// </summary>
    public IEnumerable<Callback>? Callbacks { get; set; }

    /// <summary>
    /// Receives per-batch and per-epoch reports, e.g. a <see cref="KerasProgressBar"/>; default none. With a schedule of
    /// several phases the reports carry <see cref="TrainingProgress.Label"/> <c>phase i/n (lr x)</c> and count epochs per phase.
    /// </summary>
    public IProgress<TrainingProgress>? Progress { get; set; }

    /// <summary>
    /// Label smoothing ε of the training loss (Keras <c>CategoricalCrossentropy(label_smoothing=ε)</c>): each one-hot target
    /// becomes (1 − ε)·onehot + ε/C, so the loss is (1 − ε)·CE + ε·mean over the C classes of −log p. Default 0 (plain
    /// cross-entropy); 0.1 is the usual choice. It discourages over-confident outputs; the reported training loss includes the
    /// smoothing term, while validation and <c>Evaluate</c> losses stay the plain cross-entropy. In [0, 1).
    /// </summary>
    public double LabelSmoothing { get; set; }

    /// <summary>The schedule these options describe: <see cref="Schedule"/>, else <see cref="Epochs"/> (default 1) at the current learning rate.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="Epochs"/> is not positive (the exception's <c>ParamName</c> is <c>Epochs</c>).</exception>
    /// <exception cref="ArgumentException">Both <see cref="Epochs"/> and <see cref="Schedule"/> are set (<c>ParamName</c> <c>Schedule</c>).</exception>
    public TrainingSchedule ResolveSchedule()
    {
        Validate();
        return Schedule ?? TrainingSchedule.Epochs(Epochs ?? 1);
    }

    /// <summary>
    /// A copy of these options, of the same type: the <see cref="Callbacks"/> sequence is copied into a new array (so
    /// adding to the caller's list later changes nothing); the callbacks, the <see cref="Validation"/> source, the
    /// <see cref="Progress"/> receiver and the (immutable) <see cref="Schedule"/> are shared, since they are objects the fit
    /// uses rather than settings. Derived options override it.
    /// </summary>
    public virtual FitOptions Clone()
    {
        var copy = (FitOptions)MemberwiseClone();
        copy.Callbacks = Callbacks?.ToArray();
        return copy;
    }

    /// <summary>Checks the settings; <c>Fit</c> calls it. Derived options extend it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; <c>ParamName</c> is the property's name.</exception>
    /// <exception cref="ArgumentException">Settings that exclude each other are both set, or <see cref="Callbacks"/> contains null.</exception>
    public virtual void Validate()
    {
        if (Epochs is { } epochs && epochs <= 0)
            throw new ArgumentOutOfRangeException(nameof(Epochs), epochs, $"{nameof(FitOptions)}.{nameof(Epochs)} must be positive; got {epochs}.");
        if (Epochs is not null && Schedule is not null)
            throw new ArgumentException($"Set either {nameof(FitOptions)}.{nameof(Epochs)} or {nameof(FitOptions)}.{nameof(Schedule)}, not both (a schedule states its own epochs).", nameof(Schedule));
        if (!(LabelSmoothing >= 0 && LabelSmoothing < 1))
            throw new ArgumentOutOfRangeException(nameof(LabelSmoothing), LabelSmoothing, $"{nameof(FitOptions)}.{nameof(LabelSmoothing)} must be in [0, 1); got {LabelSmoothing}.");
        if (Callbacks is not null && Callbacks.Any(c => c is null))
            throw new ArgumentException($"{nameof(FitOptions)}.{nameof(Callbacks)} contains null.", nameof(Callbacks));
    }
}
