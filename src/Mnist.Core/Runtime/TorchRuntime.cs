using System.Runtime.InteropServices;
using TorchSharp;

namespace Mnist.Runtime;

/// <summary>
/// Loads TorchSharp's native libraries once and turns the misleading loader failures into actionable errors.
/// </summary>
public static class TorchRuntime
{
    private static readonly object Gate = new();
    private static bool _initialized;

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
            catch (Exception ex) when (ex is NotSupportedException or DllNotFoundException or TypeInitializationException)
            {
                throw new TorchRuntimeException(Explain(ex, device), ex);
            }
        }
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
