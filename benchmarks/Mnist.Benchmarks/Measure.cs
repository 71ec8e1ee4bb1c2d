using System.Diagnostics;
using System.Globalization;

namespace Mnist.Benchmarks;

/// <summary>Timing and process helpers for the end-to-end benchmark.</summary>
internal static class Measure
{
    /// <summary>Runs <paramref name="run"/> <paramref name="repeats"/> times; returns the median of work/second.</summary>
    public static double MedianRate(int repeats, Func<int> run)
    {
        var rates = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            int work = run();
            rates.Add(work / clock.Elapsed.TotalSeconds);
        }

        rates.Sort();
        return rates[rates.Count / 2];
    }

    /// <summary>
    /// Runs the candidates in turn, <paramref name="repeats"/> rounds (A, B, C, A, B, C, …) so that slow drifts of the machine
    /// affect all alike; returns each candidate's median work/second.
    /// </summary>
    public static double[] InterleavedMedianRates(int repeats, params Func<int>[] candidates) =>
        InterleavedMedianRates(repeats, TimeSpan.Zero, candidates);

    /// <summary>
    /// <see cref="InterleavedMedianRates(int, Func{int}[])"/> with an untimed <paramref name="pause"/> before each
    /// candidate, so that the previous candidate's spinning worker threads (OpenMP's, ONNX Runtime's) have gone to sleep
    /// and do not compete with the next one for the cores.
    /// </summary>
    public static double[] InterleavedMedianRates(int repeats, TimeSpan pause, params Func<int>[] candidates)
    {
        var rates = candidates.Select(_ => new List<double>()).ToArray();
        for (int r = 0; r < repeats; r++)
        {
            for (int c = 0; c < candidates.Length; c++)
            {
                if (pause > TimeSpan.Zero) Thread.Sleep(pause);
                var clock = Stopwatch.StartNew();
                int work = candidates[c]();
                rates[c].Add(work / clock.Elapsed.TotalSeconds);
            }
        }

        return rates.Select(list => list.Order().ElementAt(list.Count / 2)).ToArray();
    }

    /// <summary>Peak resident set size of this process in MiB (VmHWM).</summary>
    public static double PeakRssMiB() => StatusKiB("VmHWM:") / 1024.0;

    /// <summary>Current resident set size of this process in MiB (VmRSS).</summary>
    public static double RssMiB() => StatusKiB("VmRSS:") / 1024.0;

    private static long StatusKiB(string key)
    {
        if (!File.Exists("/proc/self/status")) return 0;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
                return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }

        return 0;
    }

    /// <summary>The CPU model name from /proc/cpuinfo.</summary>
    public static string CpuModel()
    {
        if (!File.Exists("/proc/cpuinfo")) return "unknown CPU";
        var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line?.Split(':', 2)[1].Trim() ?? "unknown CPU";
    }
}
