using System.Text.Json;
using Mnist.Ensemble;

namespace Mnist.Train;

/// <summary>The outcome of <c>--seeds N</c>: every seed's test accuracies and their statistics, and whether it was cut short.</summary>
/// <param name="Result">The seeds finished and their statistics.</param>
/// <param name="Interrupted">The study stopped early (a signal); <see cref="Result"/> holds the seeds that finished.</param>
internal sealed record SeedStudyReport(SeedStudyResult Result, bool Interrupted)
{
    /// <summary>The file of the study (schema in docs/train-sample.md).</summary>
    public const string FileName = "seed-study.json";

    /// <summary>The files <see cref="Write"/> creates.</summary>
    public IReadOnlyList<string> Files => [FileName];

    /// <summary>Writes <see cref="FileName"/> into <paramref name="folder"/>.</summary>
    public void Write(string folder)
    {
        var document = new
        {
            Status = Interrupted ? "interrupted" : "completed",
            Seeds = Result.Runs.Select(r => new { r.Seed, r.MemberAccuracies, r.EnsembleAccuracy }).ToArray(),
            Members = Describe(Result.Members),
            Ensembles = Describe(Result.Ensembles),
        };
        File.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
    }

    private static object Describe(AccuracyStatistics s) => new { s.Count, s.Mean, s.StandardDeviation, s.Min, s.Max, s.StandardError };
}
