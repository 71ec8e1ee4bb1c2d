using Mnist.Models;

namespace Mnist.Tests.Runtime;

/// <summary>Native bfloat16 detection from <c>/proc/cpuinfo</c> text and the precision it recommends.</summary>
public sealed class CpuCapabilitiesTests
{
    [Theory]
    [InlineData("flags\t\t: fpu vme avx2 avx512f avx512_bf16 avx512_fp16", "avx512_bf16")]
    [InlineData("flags\t\t: fpu avx512f amx_bf16 amx_tile avx512_bf16", "amx_bf16")]
    [InlineData("Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 bf16 i8mm", "bf16")]
    [InlineData("flags\t\t: fpu vme avx2 avx512f avx512bw", null)]
    [InlineData("Features\t: fp asimd evtstrm", null)]
    public void The_first_processors_flags_name_the_bfloat16_feature(string flagsLine, string? expected)
    {
        string[] cpuinfo = ["processor\t: 0", "vendor_id\t: GenuineIntel", flagsLine, "", "processor\t: 1", "flags\t\t: avx512_bf16"];

        CpuCapabilities.FindBFloat16Feature(cpuinfo).Should().Be(expected, "only the first processor's flags decide");
    }

    [Fact]
    public void A_text_without_flags_reports_no_native_bfloat16()
    {
        CpuCapabilities.FindBFloat16Feature(["processor\t: 0", "model name\t: unknown"]).Should().BeNull();
    }

    [Fact]
    public void The_recommended_precision_follows_this_machines_cpu()
    {
        bool native = File.Exists("/proc/cpuinfo") && CpuCapabilities.FindBFloat16Feature(File.ReadLines("/proc/cpuinfo").Take(200)) is not null;

        CpuCapabilities.HasNativeBFloat16.Should().Be(native);
        CpuCapabilities.FastestAccuratePrecision.Should().Be(native ? ComputePrecision.BFloat16 : ComputePrecision.Float32);
    }
}
