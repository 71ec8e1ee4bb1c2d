using System.Diagnostics;
using System.Text.Json;
using Mnist.Ensemble;
using Mnist.Tests.Data;
using Mnist.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mnist.Tests.Samples;

/// <summary>
/// The Train app under abuse, as a child process: out-of-range settings are refused before anything happens, SIGINT and
/// SIGTERM stop training and keep what finished (exit 130), a second run into the same folder is refused, an earlier
/// complete run is never replaced by a partial one, and leftovers of crashed runs are cleaned up.
/// </summary>
public sealed class TrainAppRobustnessTests(ITestOutputHelper log) : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string[], string> OutOfRange => new()
    {
        { ["--threads", "1000"], "--threads must be between 1 and" },
        { ["--members", "1000"], "--members must be between 1 and 64; got 1,000." },
        { ["--batch-size", "1000000"], "--batch-size must be between 1 and 8,192; got 1,000,000." },
        { ["--lr1", "Infinity"], "--lr1 must be a finite number in (0, 10]; got Infinity." },
        { ["--lr2", "0"], "--lr2 must be a finite number in (0, 10]; got 0." },
        { ["--epochs1", "abc"], "abc" },
        { ["--download", "--mirror", "ftp://example.org/"], "--mirror must be an absolute http:// or https:// URL" },
        { ["--seeds", "0"], "--seeds must be between 1 and 100; got 0." },
        { ["--holdout", "60000"], "--holdout must be between 0 and 50,000; got 60,000." },
        { ["--label-smoothing", "1"], "--label-smoothing must be in [0, 1); got 1." },
        { ["--schedule", "one-cycle", "--epochs2", "2"], "--epochs2 belongs to the long-fit schedule" },
        { ["--recipe", "cpu-hour", "--epochs2", "2"], "--epochs2 belongs to the long-fit schedule" },
        { ["--recipe", "no-such-recipe"], "no-such-recipe" },
        { ["--seed", "2147483647", "--seeds", "2"], "runs past the largest seed" },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void Out_of_range_settings_are_refused_with_one_error_line_before_anything_is_loaded_or_written(string[] args, string expected)
    {
        string output = _temp.Combine("out");
        var clock = Stopwatch.StartNew();
        var (code, text) = Run([.. args, "--output", output]);

        code.Should().Be(2, text);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().ContainSingle().Which.Should().StartWith("error: ").And.Contain(expected);
        Directory.Exists(output).Should().BeFalse("nothing is written before the settings are valid");
        Directory.EnumerateFileSystemEntries(_temp.Path).Should().BeEmpty();
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), "no data is loaded first");
    }

    [UnixFact]
    public void Sigint_during_the_second_member_keeps_the_first_member_its_history_and_an_interrupted_metrics_file_and_exits_130()
    {
        string output = _temp.Combine("out");
        using var app = Start("--quick", "--members", "2", "--epochs1", "1", "--epochs2", "0", "--augment", "false", "--output", output);
        app.WaitForOutput("member 2/2", TimeSpan.FromMinutes(3));
        var clock = Stopwatch.StartNew();
        app.Signal("INT");
        int code = app.WaitForExit(TimeSpan.FromMinutes(1));
        log.WriteLine(app.Output);

        code.Should().Be(130, app.Output);
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(15), "training stops at the next batch");
        app.Output.Should().Contain($"error: interrupted during training: kept trained member(s) 1, the history of every completed epoch and metrics.json (status \"interrupted\") in {output}.");
        app.Output.Should().NotContain("   at ", "no stack trace");

        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json")));
        metrics.RootElement.GetProperty("status").GetString().Should().Be("interrupted");
        metrics.RootElement.GetProperty("trainedMembers").EnumerateArray().Select(e => e.GetInt32()).Should().Equal(1);
        metrics.RootElement.GetProperty("interruptedMember").GetInt32().Should().Be(2);
        File.ReadAllLines(Path.Combine(output, "history.csv")).Skip(1).Should().ContainSingle().Which.Should().StartWith("1,1,", "member 1's one epoch");

        using var ensemble = ModelEnsemble.Load(Path.Combine(output, "ensemble"));
        ensemble.TrainedMembers.Select(m => m.Number).Should().Equal(1);
        Directory.EnumerateFileSystemEntries(_temp.Path, ".out.*").Should().BeEmpty("no staging folder or lock file is left");
    }

    [UnixFact]
    public void Sigterm_keeps_a_complete_earlier_run_untouched_and_a_concurrent_run_into_the_same_folder_is_refused()
    {
        string output = _temp.Combine("out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "metrics.json"), "{\"status\":\"completed\",\"marker\":\"earlier run\"}");
        File.WriteAllText(Path.Combine(output, ".mnist-train-run"), "earlier run");

        using var first = Start("--quick", "--members", "1", "--epochs1", "3", "--epochs2", "0", "--augment", "false", "--output", output);
        first.WaitForOutput("Epoch 2/3", TimeSpan.FromMinutes(3)); // the first epoch is complete

        var (secondCode, secondText) = Run("--quick", "--output", output);
        secondCode.Should().Be(4, secondText);
        secondText.Trim().Should().StartWith($"error: another Mnist.Train run is writing {output}").And.NotContain("\n");

        first.Signal("TERM");
        int code = first.WaitForExit(TimeSpan.FromMinutes(1));
        log.WriteLine(first.Output);
        code.Should().Be(130, first.Output);

        File.ReadAllText(Path.Combine(output, "metrics.json")).Should().Contain("earlier run", "a partial run never replaces a complete one");
        string kept = Directory.GetDirectories(_temp.Path, "out-interrupted-*").Should().ContainSingle().Subject;
        first.Output.Should().Contain($"error: interrupted during training: kept no trained member, the history of every completed epoch and metrics.json (status \"interrupted\") in {kept}.");
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(kept, "metrics.json")));
        metrics.RootElement.GetProperty("status").GetString().Should().Be("interrupted");
        metrics.RootElement.GetProperty("trainedMembers").GetArrayLength().Should().Be(0);
        metrics.RootElement.GetProperty("completedEpochs")[0].GetProperty("epochs").GetInt32().Should().BeGreaterThanOrEqualTo(1);
        Directory.EnumerateFileSystemEntries(_temp.Path, ".out.*").Should().BeEmpty("no staging folder or lock file is left");
    }

    [Fact]
    public void A_failed_run_leaves_nothing_behind_and_removes_staging_folders_of_crashed_runs()
    {
        string output = _temp.Combine("out");
        string crashed = _temp.Combine(".out.staging-0123456789abcdef");
        Directory.CreateDirectory(crashed);
        File.WriteAllText(Path.Combine(crashed, "01-digit-normalized.png"), "left by a crashed run");
        string empty = _temp.Combine("no-data");
        Directory.CreateDirectory(empty);

        var (code, text) = Run("--dataset", "kmnist", "--data", empty, "--output", output);

        code.Should().Be(3, text);
        text.Split('\n').Where(l => l.StartsWith("error:", StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Should().StartWith("error: Kuzushiji-MNIST was not found");
        text.Should().NotContain("   at ", "no stack trace");
        Directory.Exists(crashed).Should().BeFalse("the next run removes what a crashed run left");
        Directory.Exists(output).Should().BeFalse("a failed run writes no output folder");
        Directory.EnumerateFileSystemEntries(_temp.Path, ".out.*").Should().BeEmpty();
    }

    [Fact]
    public void An_output_folder_that_is_not_an_earlier_run_is_refused_so_nothing_of_the_users_is_overwritten()
    {
        string output = _temp.Combine("photos");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "holiday.jpg"), "precious");

        var (code, text) = Run("--quick", "--output", output);

        code.Should().Be(2, text);
        text.Should().Contain($"--output {output} exists and is not the output of an earlier Mnist.Train run (it has no .mnist-train-run)");
        File.ReadAllText(Path.Combine(output, "holiday.jpg")).Should().Be("precious");
    }

    [Fact]
    public void An_earlier_run_that_also_holds_the_users_files_is_not_replaced()
    {
        string output = _temp.Combine("out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, ".mnist-train-run"), "earlier run");
        File.WriteAllText(Path.Combine(output, "metrics.json"), "{}");
        File.WriteAllText(Path.Combine(output, "my-notes.txt"), "mine");

        var (code, text) = Run("--quick", "--output", output);

        code.Should().Be(2, text);
        text.Should().Contain("also my-notes.txt, which Mnist.Train did not write");
        File.ReadAllText(Path.Combine(output, "my-notes.txt")).Should().Be("mine");
    }

    [UnixFact]
    public void A_signal_before_any_epoch_completes_writes_nothing_and_a_second_signal_is_not_needed()
    {
        string output = _temp.Combine("out");
        using var app = Start("--quick", "--members", "1", "--epochs1", "1", "--epochs2", "0", "--output", output);
        app.WaitForOutput("Epoch 1/1", TimeSpan.FromMinutes(3));
        app.Signal("INT");
        int code = app.WaitForExit(TimeSpan.FromMinutes(1));
        log.WriteLine(app.Output);

        code.Should().Be(130, app.Output);
        app.Output.Should().Contain("error: interrupted before any epoch completed; nothing was written.");
        Directory.Exists(output).Should().BeFalse();
        Directory.EnumerateFileSystemEntries(_temp.Path).Should().BeEmpty("no staging folder, lock file or interrupted folder is left");
    }

    private static string App => Path.Combine(RepoPaths.Root, "samples", "Mnist.Train", "bin", RepoPaths.Configuration, "net10.0", "Mnist.Train.dll");

    private RunningProcess Start(params string[] args) => new("dotnet", [App, .. args], _temp.Path);

    private (int Code, string Output) Run(params string[] args)
    {
        var result = ProcessRunner.Run("dotnet", [App, .. args], _temp.Path, TimeSpan.FromMinutes(5));
        log.WriteLine(result.Output);
        return result;
    }
}
