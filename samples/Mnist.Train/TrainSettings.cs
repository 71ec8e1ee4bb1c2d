using System.Globalization;

namespace Mnist.Train;

/// <summary>The command line, parsed.</summary>
internal sealed record TrainSettings(
    string? DataDirectory,
    string Dataset,
    string Model,
    int FirstEpochs,
    double FirstLearningRate,
    int SecondEpochs,
    double SecondLearningRate,
    int Members,
    int BatchSize,
    int Seed,
    int Threads,
    bool Augment,
    string Output,
    bool Quick,
    string Precision,
    bool Download = false,
    string? Mirror = null,
    string? Recipe = null,
    string Schedule = TrainSettings.LongFitSchedule,
    double LabelSmoothing = 0,
    int Holdout = 0,
    int Seeds = 1)
{
    /// <summary><c>--schedule long-fit</c>: the notebook's two phases at constant learning rates (<c>--epochs1/--lr1</c>, <c>--epochs2/--lr2</c>).</summary>
    public const string LongFitSchedule = "long-fit";

    /// <summary><c>--schedule one-cycle</c>: <c>--epochs1</c> epochs of a one-cycle schedule peaking at <c>--lr1</c>, per batch.</summary>
    public const string OneCycleSchedule = "one-cycle";

    /// <summary>The most seeds of one <c>--seeds</c> study.</summary>
    public const int MaximumSeeds = 100;

    /// <summary>The most training images <c>--holdout</c> may keep out (the rest must still train).</summary>
    public const int MaximumHoldout = 50_000;

    /// <summary>Training images used in --quick mode.</summary>
    public const int QuickTrainingImages = 10_000;

    /// <summary>The most ensemble members (each costs about 30 MB of weights and optimiser state and one training run).</summary>
    public const int MaximumMembers = 64;

    /// <summary>The largest batch (a batch of 8,192 digits already needs about 2 GB of activations in this network).</summary>
    public const int MaximumBatchSize = 8192;

    /// <summary>The most epochs of one phase.</summary>
    public const int MaximumEpochs = 1000;

    /// <summary>The largest learning rate accepted (Adam diverges far below it).</summary>
    public const double MaximumLearningRate = 10;

    /// <summary>
    /// Checks every setting before anything is loaded or written, naming the option and the accepted range.
    /// Threads are bounded by the cores: LibTorch's OpenMP threads collapse when more of them than cores compete.
    /// </summary>
    /// <exception cref="UsageException">A setting is out of range.</exception>
    public void Validate()
    {
        var inv = CultureInfo.InvariantCulture;
        CheckRange("--members", Members, 1, MaximumMembers);
        CheckRange("--epochs1", FirstEpochs, 1, MaximumEpochs);
        CheckRange("--epochs2", SecondEpochs, 0, MaximumEpochs);
        CheckRange("--batch-size", BatchSize, 1, MaximumBatchSize);
        CheckRange("--seeds", Seeds, 1, MaximumSeeds);
        CheckRange("--holdout", Holdout, 0, MaximumHoldout);
        if ((long)Seed + Seeds - 1 > int.MaxValue) throw new UsageException(string.Create(inv, $"--seed {Seed} with --seeds {Seeds} runs past the largest seed ({int.MaxValue:N0})."));
        if (!(LabelSmoothing >= 0 && LabelSmoothing < 1)) throw new UsageException(string.Create(inv, $"--label-smoothing must be in [0, 1); got {LabelSmoothing}."));
        if (Schedule == OneCycleSchedule && SecondEpochs > 0)
            throw new UsageException("--epochs2 belongs to the long-fit schedule; --schedule one-cycle trains --epochs1 epochs in one cycle (drop --epochs2).");
        int cores = Environment.ProcessorCount;
        if (Threads < 1 || Threads > cores)
            throw new UsageException($"--threads must be between 1 and {cores} (the cores of this machine; more threads than cores make LibTorch slower, not faster); got {Threads}.");
        CheckLearningRate("--lr1", FirstLearningRate);
        CheckLearningRate("--lr2", SecondLearningRate);
        if (Mirror is { } mirror && !(Uri.TryCreate(mirror, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
            throw new UsageException($"--mirror must be an absolute http:// or https:// URL; got '{mirror}'.");
        if (Mirror is not null && !Download) throw new UsageException("--mirror is used only with --download; add --download.");
        if (string.IsNullOrWhiteSpace(Output)) throw new UsageException("--output must name a folder.");
        if (DataDirectory is { } data && File.Exists(data)) throw new UsageException($"--data {data} is a file; it must be the folder that holds the four IDX files.");

        void CheckRange(string option, int value, int min, int max)
        {
            if (value < min || value > max)
                throw new UsageException(string.Create(inv, $"{option} must be between {min} and {max:N0}; got {value:N0}."));
        }

        void CheckLearningRate(string option, double value)
        {
            if (!double.IsFinite(value) || value <= 0 || value > MaximumLearningRate)
                throw new UsageException(string.Create(inv, $"{option} must be a finite number in (0, {MaximumLearningRate}]; got {value}."));
        }
    }
}
