namespace Mnist.Ensemble;

/// <summary>The runs of a <see cref="SeedStudy"/> and their statistics.</summary>
public sealed class SeedStudyResult
{
    internal SeedStudyResult(IReadOnlyList<SeedRunResult> runs)
    {
        Runs = runs;
        Members = AccuracyStatistics.Of(runs.SelectMany(r => r.MemberAccuracies));
        Ensembles = AccuracyStatistics.Of(runs.Select(r => r.EnsembleAccuracy));
    }

    /// <summary>Every seed's result, in the order run.</summary>
    public IReadOnlyList<SeedRunResult> Runs { get; }

    /// <summary>Statistics of every member of every run (single-model accuracy).</summary>
    public AccuracyStatistics Members { get; }

    /// <summary>Statistics of the ensembles' accuracy, one value per seed.</summary>
    public AccuracyStatistics Ensembles { get; }

    /// <summary>Two lines: members and ensembles.</summary>
    public override string ToString() => $"members:   {Members}{Environment.NewLine}ensembles: {Ensembles}";
}
