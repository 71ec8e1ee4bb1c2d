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
    string? Mirror = null)
{
    /// <summary>Training images used in --quick mode.</summary>
    public const int QuickTrainingImages = 10_000;
}
