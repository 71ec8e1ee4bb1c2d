using Mnist.Data;
using Mnist.Models;
using Mnist.Tests.Infrastructure;
using Mnist.Training;
using TorchSharp;

namespace Mnist.Tests.Runtime;

public sealed class TorchRuntimeTests
{
    [Fact]
    public void The_library_changes_no_process_wide_setting_until_the_application_calls_Configure()
    {
        int threads = TorchRuntime.Threads; // loads LibTorch
        TorchRuntime.AllocatorTuned.Should().BeFalse("loading LibTorch and building models leaves glibc's allocator alone");
        using (var model = Sequential.Input(1, 8, 8).Flatten().Dense(3).Build(new ModelOptions { Seed = 1 }))
            TorchRuntime.AllocatorTuned.Should().BeFalse();

        try
        {
            var applied = TorchRuntime.Configure(new TorchRuntimeOptions { TuneAllocator = true, Threads = 1, GlobalSeed = 77 });
            applied.Threads.Should().Be(1);
            TorchRuntime.Threads.Should().Be(1);
            applied.GlobalSeed.Should().Be(77);
            bool glibc = OperatingSystem.IsLinux() && new[] { "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_" }.All(v => Environment.GetEnvironmentVariable(v) is null);
            applied.AllocatorTuned.Should().Be(glibc);
            TorchRuntime.AllocatorTuned.Should().Be(glibc);
            using var first = torch.rand(4);
            torch.manual_seed(77);
            using var again = torch.rand(4);
            first.data<float>().ToArray().Should().Equal(again.data<float>().ToArray(), "Configure seeded the global generator with 77");
        }
        finally
        {
            TorchRuntime.Configure(new TorchRuntimeOptions { Threads = threads }).Threads.Should().Be(threads);
        }

        FluentActions.Invoking(() => TorchRuntime.Configure(new TorchRuntimeOptions { Threads = 0 })).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => TorchRuntime.Configure(new TorchRuntimeOptions { Threads = TorchRuntimeOptions.MaximumThreads + 1 })).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => TorchRuntime.Threads = 0).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Seeded_builds_and_epochs_give_the_callers_global_generator_state_back()
    {
        static float[] DrawAfter(Action action)
        {
            torch.manual_seed(2024);
            action();
            using var draw = torch.rand(8);
            return draw.data<float>().ToArray();
        }

        var untouched = DrawAfter(() => { });
        var train = TestDigits.First(64);
        var normalizer = Normalizer.Fit(train);
        var builder = Sequential.Input(1, 28, 28).Normalize(normalizer).Flatten().Dropout(0.5).Dense(10, Activation.Softmax).Compile(new AdamOptions());

        DrawAfter(() => builder.Build(new ModelOptions { Seed = 5 }).Dispose()).Should().Equal(untouched, "building a seeded model restores the generator");
        DrawAfter(() =>
        {
            using var model = builder.Build(new ModelOptions { Seed = 5 });
            model.Fit(train.Batches(32, shuffle: true, seed: 1));
        }).Should().Equal(untouched, "a seeded epoch (dropout) restores the generator");

        // An unseeded model draws a fresh seed of its own (the seed policy) and gives the caller's generator back too.
        DrawAfter(() => builder.Build().Dispose()).Should().Equal(untouched, "an unseeded build seeds its own scope");
        DrawAfter(() =>
        {
            using var model = builder.Build();
            model.Fit(train.Batches(32, shuffle: true, seed: 1));
        }).Should().Equal(untouched, "an unseeded model's epochs restore the generator as well");
    }
}
