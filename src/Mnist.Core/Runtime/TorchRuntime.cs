using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist;

/// <summary>
/// Loads TorchSharp's native libraries once and turns the misleading loader failures into actionable errors.
/// </summary>
public static class TorchRuntime
{
    private static readonly object Gate = new();
    private static bool _initialized;
    private static bool _mallocApplied;

    /// <summary>Whether the allocator tuning of <see cref="TorchRuntimeOptions.TuneAllocator"/> is in effect in this process.</summary>
    public static bool AllocatorTuned => _mallocApplied;

    /// <summary>
    /// Applies the process-wide settings the application asks for — allocator tuning, LibTorch's thread count, the
    /// global seed — and loads LibTorch. The library itself never changes any of them: an application calls this once
    /// at start-up (the samples do), before it builds models. Calling it again applies the new values (the allocator
    /// tuning cannot be undone within a process).
    /// </summary>
    /// <param name="options">What to change (copied and validated); each property's default leaves the process as it is.</param>
    /// <returns>What is now in effect.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="TorchRuntimeException">LibTorch could not be loaded.</exception>
    /// <example><code>
    /// Console.WriteLine(TorchRuntime.Configure(new TorchRuntimeOptions { TuneAllocator = true, Threads = 2 }));
    /// </code></example>
    public static TorchRuntimeConfiguration Configure(TorchRuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options = options.Clone();
        options.Validate();
        lock (Gate)
        {
            if (options.TuneAllocator && !_mallocApplied) _mallocApplied = GlibcMalloc.TryApply();
            EnsureInitialized();
            if (options.Threads is { } threads) torch.set_num_threads(threads);
            if (options.GlobalSeed is { } seed) torch.manual_seed(seed);
            return new TorchRuntimeConfiguration(_mallocApplied, torch.get_num_threads(), options.GlobalSeed);
        }
    }

    /// <summary>
    /// Number of threads LibTorch uses for intra-op parallelism (<c>torch.set_num_threads</c>, process-wide); setting it
    /// is the same as <see cref="Configure"/> with <see cref="TorchRuntimeOptions.Threads"/>.
    /// </summary>
    public static int Threads
    {
        get
        {
            EnsureInitialized();
            return torch.get_num_threads();
        }

        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, TorchRuntimeOptions.MaximumThreads);
            EnsureInitialized();
            torch.set_num_threads(value);
        }
    }

    /// <summary>
    /// Ensures LibTorch is loaded for the CPU (and CUDA when <paramref name="device"/> asks for it).
    /// Safe to call many times and from many threads.
    /// </summary>
    /// <param name="device">The device type the caller is about to use; <see cref="DeviceType.CPU"/> by default.</param>
    /// <exception cref="TorchRuntimeException">LibTorch could not be loaded; the message says why and what to do.</exception>
    public static void EnsureInitialized(DeviceType device = DeviceType.CPU)
    {
        if (_initialized && device == DeviceType.CPU) return;
        lock (Gate)
        {
            try
            {
                torch.InitializeDeviceType(device);
                if (device == DeviceType.CPU) _initialized = true;
            }
            catch (Exception ex) when (ex is NotSupportedException or DllNotFoundException or TypeInitializationException or InvalidOperationException)
            {
                throw new TorchRuntimeException(Explain(ex, device), ex);
            }
        }
    }

    /// <summary>Returns the TorchSharp device for <paramref name="type"/>, failing clearly when CUDA is asked for but unavailable.</summary>
    /// <param name="type">CPU or CUDA.</param>
    /// <param name="index">CUDA device index, or −1 for the current one.</param>
    /// <exception cref="TorchRuntimeException">CUDA was requested and is not available.</exception>
    public static Device GetDevice(DeviceType type, int index = -1)
    {
        EnsureInitialized(type == DeviceType.CUDA ? DeviceType.CPU : type);
        if (type == DeviceType.CUDA)
        {
            bool available;
            try
            {
                available = torch.cuda.is_available();
            }
            catch (Exception ex) when (ex is NotSupportedException or DllNotFoundException or InvalidOperationException)
            {
                available = false;
            }

            if (!available)
            {
                throw new TorchRuntimeException(
                    "CUDA was requested but is not available: no CUDA-enabled LibTorch (reference TorchSharp-cuda-linux or TorchSharp-cuda-windows in your app instead of TorchSharp-cpu) "
                    + "or no usable NVIDIA GPU/driver. Use DeviceType.CPU to run on the processor.");
            }

            return torch.device(DeviceType.CUDA, index);
        }

        return torch.CPU;
    }

    private static string Explain(Exception ex, DeviceType device)
    {
        var text = $"TorchSharp could not load LibTorch for {device}: {ex.Message}";
        if (device == DeviceType.CUDA)
        {
            return text + " Reference a CUDA bundle (TorchSharp-cuda-linux or TorchSharp-cuda-windows) in your application and check that a CUDA driver is installed.";
        }

        text += " Make sure your application (not only your libraries) references a native bundle such as TorchSharp-cpu.";
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            text += " On Linux distributions whose libstdc++ predates GCC 13 (e.g. Debian 12), libLibTorchSharp.so also needs the build step that Mnist.Core ships "
                  + "(property MnistPatchLibTorchSharp, on by default): check that it was not disabled and that the app was built, not copied from another machine. "
                  + "See docs/debian12-native-library.md.";
        }

        return text;
    }
}
