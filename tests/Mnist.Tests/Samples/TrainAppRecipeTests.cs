using System.Text.Json;
using Mnist.Tests.Data;
using Mnist.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mnist.Tests.Samples;

/// <summary>
/// Mnist.Train's <c>--recipe</c>, <c>--holdout</c> and <c>--seeds</c> as a child process on the first 10,000 training images
/// (<c>--quick</c>), one short epoch per seed: the recipe fills in what the command line leaves out, the hold-out is cut from
/// the end of the training set, and the seed study's statistics agree with its own per-seed figures.
/// </summary>
public sealed class TrainAppRecipeTests(ITestOutputHelper log) : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_recipe_run_with_two_seeds_validates_on_the_holdout_and_reports_the_spread_of_both_seeds()
    {
        string output = _temp.Combine("out");
        var result = ProcessRunner.Run("dotnet", [App, "--recipe", "cpu-hour", "--quick", "--members", "2", "--epochs1", "1", "--seeds", "2", "--output", output], _temp.Path, TimeSpan.FromMinutes(8));
        log.WriteLine(result.Output);

        result.ExitCode.Should().Be(0, result.Output);
        // Given on the command line: members, epochs; from the recipe: model, schedule, peak rate, batch size, hold-out.
        result.Output.Should().Contain("recipe 'cpu-hour', model 'strided', 2 members, one-cycle 1 epochs, peak lr 0.005, batch 128, seed 1 (+1 more seeds)");
        result.Output.Should().Contain("X_train (5000, 1, 28, 28) uint8").And.Contain("hold-out (validation) (5000, 1, 28, 28), the last 5,000 training images");

        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json")));
        var settings = metrics.RootElement.GetProperty("settings");
        settings.GetProperty("recipe").GetString().Should().Be("cpu-hour");
        settings.GetProperty("holdout").GetInt32().Should().Be(5000);
        settings.GetProperty("batchSize").GetInt32().Should().Be(128);
        settings.GetProperty("schedule").GetString().Should().Be("one-cycle");
        settings.GetProperty("secondEpochs").GetInt32().Should().Be(0);
        metrics.RootElement.GetProperty("model").GetString().Should().Be("strided");
        metrics.RootElement.GetProperty("trainingImages").GetInt32().Should().Be(5000);

        using var study = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "seed-study.json")));
        study.RootElement.GetProperty("status").GetString().Should().Be("completed");
        var seeds = study.RootElement.GetProperty("seeds").EnumerateArray().ToArray();
        seeds.Select(s => s.GetProperty("seed").GetInt32()).Should().Equal(1, 2);
        // The first seed's figures are the run's own metrics.
        var firstMembers = seeds[0].GetProperty("memberAccuracies").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        firstMembers.Should().Equal(metrics.RootElement.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("testAccuracy").GetDouble()));
        seeds[0].GetProperty("ensembleAccuracy").GetDouble().Should().Be(metrics.RootElement.GetProperty("ensemble").GetProperty("testAccuracy").GetDouble());

        // Statistics recomputed by hand from the per-seed figures.
        var members = seeds.SelectMany(s => s.GetProperty("memberAccuracies").EnumerateArray().Select(e => e.GetDouble())).ToArray();
        members.Should().HaveCount(4).And.OnlyContain(a => a > 0.5, "one epoch on 5,000 digits is far above chance");
        double mean = members.Sum() / 4;
        double sd = Math.Sqrt(members.Sum(a => (a - mean) * (a - mean)) / 3);
        var stats = study.RootElement.GetProperty("members");
        stats.GetProperty("count").GetInt32().Should().Be(4);
        stats.GetProperty("mean").GetDouble().Should().BeApproximately(mean, 1e-12);
        stats.GetProperty("standardDeviation").GetDouble().Should().BeApproximately(sd, 1e-12);
        stats.GetProperty("min").GetDouble().Should().Be(members.Min());
        stats.GetProperty("max").GetDouble().Should().Be(members.Max());
        var ensembles = seeds.Select(s => s.GetProperty("ensembleAccuracy").GetDouble()).ToArray();
        study.RootElement.GetProperty("ensembles").GetProperty("mean").GetDouble().Should().BeApproximately(ensembles.Average(), 1e-12);
        seeds[0].GetProperty("memberAccuracies").EnumerateArray().Select(e => e.GetDouble())
            .Should().NotEqual(seeds[1].GetProperty("memberAccuracies").EnumerateArray().Select(e => e.GetDouble()), "another seed trains other members");
    }

    private static string App => Path.Combine(RepoPaths.Root, "samples", "Mnist.Train", "bin", RepoPaths.Configuration, "net10.0", "Mnist.Train.dll");
}
