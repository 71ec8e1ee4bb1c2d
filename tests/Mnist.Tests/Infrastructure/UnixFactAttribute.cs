namespace Mnist.Tests.Infrastructure;

/// <summary>A test that sends POSIX signals with kill(1): skipped on Windows, which has neither.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows()) Skip = "POSIX signals (SIGINT, SIGTERM) and kill(1) are not available on Windows.";
    }
}
