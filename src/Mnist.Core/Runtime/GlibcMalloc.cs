using System.Runtime.InteropServices;

namespace Mnist;

/// <summary>
/// glibc <c>mallopt</c> settings that stop LibTorch from returning and re-faulting its large per-step buffers.
/// With glibc's defaults every training step unmaps and re-maps its big tensors and the kernel zero-fills the pages again
/// (measured here: 20–25 % of CPU time); raising the thresholds keeps them in the heap (+25–37 % training speed, ~100 MB
/// more peak memory).
/// </summary>
internal static class GlibcMalloc
{
    private const int MTrimThreshold = -1;
    private const int MTopPad = -2;
    private const int MMmapThreshold = -3;

    /// <summary>32 MiB: allocations below this come from the heap instead of fresh mmaps.</summary>
    public const int MmapThresholdBytes = 32 << 20;

    /// <summary>1 GiB: free heap memory above this is returned to the system.</summary>
    public const int TrimThresholdBytes = 1 << 30;

    /// <summary>256 MiB of extra heap growth per request.</summary>
    public const int TopPadBytes = 256 << 20;

    /// <summary>Applies the settings; false when not on glibc, already set through MALLOC_*_ variables, or refused.</summary>
    public static bool TryApply()
    {
        if (!OperatingSystem.IsLinux()) return false;
        if (Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null
            || Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") is not null
            || Environment.GetEnvironmentVariable("MALLOC_TOP_PAD_") is not null)
        {
            return false; // the user chose their own values
        }

        try
        {
            return mallopt(MMmapThreshold, MmapThresholdBytes) == 1
                   & mallopt(MTrimThreshold, TrimThresholdBytes) == 1
                   & mallopt(MTopPad, TopPadBytes) == 1;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // musl or another C library
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code for a two-int call
    private static extern int mallopt(int parameter, int value);
#pragma warning restore SYSLIB1054
}
