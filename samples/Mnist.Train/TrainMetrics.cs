namespace Mnist.Train;

/// <summary>metrics.json (schema documented in docs/train-sample.md).</summary>
internal sealed record TrainMetrics(
    int SchemaVersion,
    string Status,
    string Dataset,
    string Model,
    int TrainingImages,
    int TestImages,
    TrainSettings Settings,
    IReadOnlyList<MemberMetrics> Members,
    CombinedMetrics Ensemble,
    IReadOnlyList<PerClassMetrics> PerClass,
    long[][] ConfusionMatrix,
    TimingMetrics Timings,
    double PeakResidentMiB);

/// <summary>One member's test loss and accuracy and its training time.</summary>
internal sealed record MemberMetrics(int Member, double TestLoss, double TestAccuracy, double TrainingSeconds);

/// <summary>The ensemble's test loss and accuracy.</summary>
internal sealed record CombinedMetrics(double TestLoss, double TestAccuracy, string Combination);

/// <summary>Precision, recall, F1 and support of one class on the test set (ensemble predictions).</summary>
internal sealed record PerClassMetrics(int Class, string Name, double Precision, double Recall, double F1, long Support);

/// <summary>Wall times in seconds.</summary>
internal sealed record TimingMetrics(double TrainingSeconds, double EvaluationSeconds, double TotalSeconds);

/// <summary>metrics.json of an interrupted run: what was finished (schema documented in docs/train-sample.md).</summary>
internal sealed record InterruptedMetrics(
    int SchemaVersion,
    string Status,
    string InterruptedDuring,
    string Dataset,
    string Model,
    TrainSettings Settings,
    IReadOnlyList<int> TrainedMembers,
    int? InterruptedMember,
    IReadOnlyList<MemberEpochs> CompletedEpochs,
    TimingMetrics Timings,
    double PeakResidentMiB);

/// <summary>How many epochs a member completed, and whether it finished the whole schedule.</summary>
internal sealed record MemberEpochs(int Member, int Epochs, bool CompletedSchedule);
