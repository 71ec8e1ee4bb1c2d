using Mnist.Runtime;

namespace Mnist.Tests.Runtime;

public sealed class TorchRuntimeTests
{
    [Fact]
    public void Allocator_tuning_is_on_by_default_on_linux_and_threads_can_be_set()
    {
        TorchRuntime.EnsureInitialized();
        TorchRuntime.MallocTuned.Should().Be(OperatingSystem.IsLinux() && TorchRuntime.TuneMalloc && Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is null);

        int before = TorchRuntime.Threads;
        before.Should().BePositive();
        TorchRuntime.Threads = 1;
        TorchRuntime.Threads.Should().Be(1);
        TorchRuntime.Threads = before;
        var act = () => TorchRuntime.Threads = 0;
        act.Should().Throw<ArgumentOutOfRangeException>();
    }
}
