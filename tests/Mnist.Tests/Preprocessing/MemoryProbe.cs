using System.Diagnostics;
using System.Globalization;

namespace Mnist.Tests.Preprocessing;

/// <summary>
/// Measures what an action costs the process: wall time, managed bytes allocated, and the growth of the resident set
/// (which also sees ImageSharp's unmanaged buffers). The peak is Linux's high-water mark (<c>VmHWM</c>) after resetting it
/// through <c>/proc/self/clear_refs</c>; where that is not possible, the resident set sampled every millisecond.
/// The test assembly runs one test at a time, so the growth belongs to the action.
/// </summary>
internal static class MemoryProbe
{
    /// <summary>What <see cref="Measure"/> saw.</summary>
    /// <param name="Elapsed">Wall time of the action.</param>
    /// <param name="AllocatedBytes">Managed bytes allocated by the whole process meanwhile.</param>
    /// <param name="PeakGrowthBytes">Peak resident set during the action minus the resident set before it.</param>
    /// <param name="Exception">What the action threw, if anything.</param>
    public sealed record Cost(TimeSpan Elapsed, long AllocatedBytes, long PeakGrowthBytes, Exception? Exception)
    {
        /// <inheritdoc />
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{Elapsed.TotalMilliseconds:N0} ms, {AllocatedBytes / 1048576.0:N1} MiB allocated (managed), peak resident set +{PeakGrowthBytes / 1048576.0:N1} MiB, outcome: {(Exception is null ? "returned" : Exception.GetType().Name + ": " + Exception.Message)}");
    }

    public static Cost Measure(Action action)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long before = CurrentResidentBytes();
        bool highWaterMarkReset = TryResetHighWaterMark();
        long sampledPeak = before;
        using var stop = new ManualResetEventSlim();
        var sampler = new Thread(() =>
        {
            while (!stop.Wait(1)) sampledPeak = Math.Max(sampledPeak, CurrentResidentBytes());
        }) { IsBackground = true, Name = "memory probe" };
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        sampler.Start();
        Exception? thrown = null;
        try
        {
            action();
        }
        catch (Exception ex)
        {
            thrown = ex;
        }

        watch.Stop();
        stop.Set();
        sampler.Join();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        long peak = Math.Max(sampledPeak, CurrentResidentBytes());
        if (highWaterMarkReset && ReadStatusKilobytes("VmHWM:") is { } hwm) peak = Math.Max(peak, hwm * 1024);
        return new Cost(watch.Elapsed, allocated, Math.Max(0, peak - before), thrown);
    }

    private static long CurrentResidentBytes() => ReadStatusKilobytes("VmRSS:") is { } rss ? rss * 1024 : Environment.WorkingSet;

    private static bool TryResetHighWaterMark()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return false;
        }
    }

    private static long? ReadStatusKilobytes(string field)
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (!line.StartsWith(field, StringComparison.Ordinal)) continue;
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
        }

        return null;
    }
}
