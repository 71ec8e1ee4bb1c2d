namespace Mnist.Ensemble;

/// <summary>The runs of a <see cref="SeedStudy"/> and their statistics.</summary>
public sealed class SeedStudyResult
{
    /// <summary>
    /// Summarises runs trained elsewhere — for instance one seed per process or per machine, each reporting its
    /// <see cref="SeedRunResult"/> — exactly as <see cref="SeedStudy.Run"/> summarises its own.
    /// </summary>
    /// <param name="runs">At least one run; every seed different.</param>
    /// <exception cref="ArgumentException">No runs, a repeated seed, or a run without members or with an accuracy outside [0, 1].</exception>
    public SeedStudyResult(IEnumerable<SeedRunResult> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var list = runs.ToArray();
        if (list.Length == 0) throw new ArgumentException("A study needs at least one run.", nameof(runs));
        if (list.Select(r => r.Seed).Distinct().Count() != list.Length) throw new ArgumentException("Every seed of a study must be different.", nameof(runs));
        foreach (var run in list)
        {
            ArgumentNullException.ThrowIfNull(run, nameof(runs));
            if (run.MemberAccuracies is null || run.MemberAccuracies.Count == 0) throw new ArgumentException($"The run of seed {run.Seed} has no member accuracies.", nameof(runs));
            if (run.MemberAccuracies.Append(run.EnsembleAccuracy).Any(a => !(a >= 0 && a <= 1)))
                throw new ArgumentException($"The run of seed {run.Seed} has an accuracy outside [0, 1].", nameof(runs));
        }

        Runs = list;
        Members = AccuracyStatistics.Of(list.SelectMany(r => r.MemberAccuracies));
        Ensembles = AccuracyStatistics.Of(list.Select(r => r.EnsembleAccuracy));
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
