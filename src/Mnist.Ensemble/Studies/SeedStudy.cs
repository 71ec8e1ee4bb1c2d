using Mnist.Data;

namespace Mnist.Ensemble;

/// <summary>
/// Trains the same recipe once per seed and reports the spread of the members' and the ensembles' test accuracy, so a
/// change can be judged against seed noise: <c>SeedStudy.Run(seed => TrainMyEnsemble(seed), [1, 2, 3, 4, 5], test.Batches(256))</c>.
/// </summary>
public static class SeedStudy
{
    /// <summary>
    /// Calls <paramref name="train"/> for every seed, evaluates the ensemble it returns on <paramref name="test"/> (every
    /// member and the combination), disposes it, and summarises.
    /// </summary>
    /// <param name="train">Builds and trains one ensemble from a seed; the study disposes what it returns.</param>
    /// <param name="seeds">The seeds, at least one, all different.</param>
    /// <param name="test">The held-out data every ensemble is evaluated on.</param>
    /// <param name="progress">Receives each seed's result as it completes (optional).</param>
    /// <param name="cancellationToken">Stops between seeds and inside evaluations.</param>
    /// <exception cref="ArgumentException">No seeds, or a repeated seed.</exception>
    public static SeedStudyResult Run(Func<int, ModelEnsemble> train, IEnumerable<int> seeds, IBatchSource test, IProgress<SeedRunResult>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(test);
        var list = seeds.ToArray();
        if (list.Length == 0) throw new ArgumentException("A study needs at least one seed.", nameof(seeds));
        if (list.Distinct().Count() != list.Length) throw new ArgumentException("Every seed of a study must be different.", nameof(seeds));
        var runs = new List<SeedRunResult>(list.Length);
        foreach (int seed in list)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var ensemble = train(seed) ?? throw new InvalidOperationException($"The training function returned no ensemble for seed {seed}.");
            var evaluation = ensemble.Evaluate(test, cancellationToken);
            var run = new SeedRunResult(seed, evaluation.Members.Select(m => m.Accuracy).ToArray(), evaluation.Combined.Accuracy);
            runs.Add(run);
            progress?.Report(run);
        }

        return new SeedStudyResult(runs);
    }
}
