using System.Diagnostics;
using Mnist.Build;
using Mnist.Tests.Infrastructure;

namespace Mnist.Tests.Build;

public sealed class ElfVersionNeedPatcherTests
{
    private const string Marker = "GLIBCXX_3.4.32";

    /// <summary>The unpatched libLibTorchSharp.so, straight from the NuGet package folder.</summary>
    private static string PristineLibrary()
    {
        string root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                      ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string path = Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        File.Exists(path).Should().BeTrue("the TorchSharp package is restored for this test project");
        return path;
    }

    [Fact]
    public void Real_library_needs_marker_version_strongly_and_patch_sets_only_the_weak_bit()
    {
        byte[] original = File.ReadAllBytes(PristineLibrary());
        var before = ElfVersionNeedPatcher.ReadVersionNeeds(original);
        var need = before.Single(n => n.Name == Marker);
        need.File.Should().Be("libstdc++.so.6");
        need.IsWeak.Should().BeFalse();

        byte[] patched = ElfVersionNeedPatcher.Patch(original, [Marker], out var outcome);

        outcome.Should().Be(ElfPatchOutcome.Patched);
        patched.Length.Should().Be(original.Length);
        var differing = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToArray();
        differing.Should().Equal([(int)need.FlagsOffset], "only the low byte of vna_flags changes (little-endian, 0x0 -> 0x2)");
        patched[need.FlagsOffset].Should().Be((byte)(original[need.FlagsOffset] | 0x2));

        var after = ElfVersionNeedPatcher.ReadVersionNeeds(patched);
        after.Single(n => n.Name == Marker).IsWeak.Should().BeTrue();
        after.Where(n => n.Name != Marker).Should().OnlyContain(n => !n.IsWeak);
        after.Select(n => n.Name).Should().Equal(before.Select(n => n.Name));
    }

    [Fact]
    public void Patch_is_idempotent_and_ignores_files_without_the_version()
    {
        byte[] original = File.ReadAllBytes(PristineLibrary());
        byte[] once = ElfVersionNeedPatcher.Patch(original, [Marker], out _);
        byte[] twice = ElfVersionNeedPatcher.Patch(once, [Marker], out var second);
        second.Should().Be(ElfPatchOutcome.AlreadyWeak);
        twice.Should().BeSameAs(once);

        ElfVersionNeedPatcher.Patch(original, ["GLIBCXX_99.0"], out var none).Should().BeSameAs(original);
        none.Should().Be(ElfPatchOutcome.NotNeeded);
    }

    [Fact]
    public void Readelf_agrees_with_the_parser_on_the_real_library_before_and_after()
    {
        // readelf (binutils) is an independent ELF reader: it must list the same needs and flag the patched one WEAK.
        string dir = Directory.CreateTempSubdirectory("mnist-elf-").FullName;
        try
        {
            string copy = Path.Combine(dir, "libLibTorchSharp.so");
            File.Copy(PristineLibrary(), copy);
            string before = Readelf(copy);
            before.Should().MatchRegex(@"Name: GLIBCXX_3\.4\.32\s+Flags: none");
            foreach (var need in ElfVersionNeedPatcher.ReadVersionNeeds(File.ReadAllBytes(copy)))
                before.Should().Contain("Name: " + need.Name);

            ElfVersionNeedPatcher.PatchFile(copy, [Marker]).Should().Be(ElfPatchOutcome.Patched);

            Readelf(copy).Should().MatchRegex(@"Name: GLIBCXX_3\.4\.32\s+Flags: WEAK");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void PatchFile_replaces_a_hard_link_instead_of_writing_through_it()
    {
        string dir = Directory.CreateTempSubdirectory("mnist-elf-").FullName;
        try
        {
            string shared = Path.Combine(dir, "cache.so");
            string output = Path.Combine(dir, "output.so");
            File.Copy(PristineLibrary(), shared);
            Run("ln", shared, output).exitCode.Should().Be(0);
            byte[] pristine = File.ReadAllBytes(shared);

            ElfVersionNeedPatcher.PatchFile(output, [Marker]).Should().Be(ElfPatchOutcome.Patched);

            File.ReadAllBytes(shared).Should().Equal(pristine, "the 'cache' side of the hard link must keep its bytes");
            ElfVersionNeedPatcher.ReadVersionNeeds(File.ReadAllBytes(output)).Single(n => n.Name == Marker).IsWeak.Should().BeTrue();
            Directory.GetFiles(dir).Should().HaveCount(2, "no temporary file is left behind");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Small_library_built_for_the_test_is_patched_on_the_named_version_only()
    {
        // A tiny shared object compiled here needs GLIBC_2.2.5 from libc.so.6 (and possibly others).
        string dir = Directory.CreateTempSubdirectory("mnist-elf-").FullName;
        try
        {
            string source = Path.Combine(dir, "tiny.c");
            File.WriteAllText(source, "#include <string.h>\nint tiny(const char* s) { return (int)strlen(s); }\n");
            string lib = Path.Combine(dir, "libtiny.so");
            var (exit, output) = Run("cc", "-shared", "-fPIC", "-O1", "-o", lib, source);
            exit.Should().Be(0, output);
            byte[] original = File.ReadAllBytes(lib);
            var needs = ElfVersionNeedPatcher.ReadVersionNeeds(original);
            needs.Should().Contain(n => n.File == "libc.so.6" && n.Name.StartsWith("GLIBC_2.", StringComparison.Ordinal));
            string target = needs.First(n => n.File == "libc.so.6").Name;

            byte[] patched = ElfVersionNeedPatcher.Patch(original, [target], out var outcome);

            outcome.Should().Be(ElfPatchOutcome.Patched);
            Enumerable.Range(0, original.Length).Count(i => original[i] != patched[i]).Should().Be(1);
            ElfVersionNeedPatcher.ReadVersionNeeds(patched).Should().OnlyContain(n => n.IsWeak == (n.Name == target));
            File.WriteAllBytes(lib, patched);
            Readelf(lib).Should().MatchRegex($@"Name: {System.Text.RegularExpressions.Regex.Escape(target)}\s+Flags: WEAK");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(64)]
    [InlineData(4096)]
    public void Truncated_or_corrupt_input_gives_InvalidDataException(int length)
    {
        byte[] original = File.ReadAllBytes(PristineLibrary());
        byte[] truncated = original.AsSpan(0, length).ToArray();
        var act = () => ElfVersionNeedPatcher.ReadVersionNeeds(truncated);
        act.Should().Throw<InvalidDataException>();
    }

    [Fact]
    public void Random_corruption_never_escapes_as_anything_but_InvalidDataException()
    {
        byte[] original = File.ReadAllBytes(PristineLibrary());
        var random = new Random(1234);
        for (int trial = 0; trial < 300; trial++)
        {
            byte[] mutated = (byte[])original.Clone();
            for (int k = 0; k < 8; k++)
            {
                // Corrupt the header and section headers, where the parser looks.
                int where = random.Next(2) == 0 ? random.Next(64) : original.Length - random.Next(1, 64 * 40);
                mutated[where] = (byte)random.Next(256);
            }

            try
            {
                ElfVersionNeedPatcher.ReadVersionNeeds(mutated);
            }
            catch (InvalidDataException)
            {
            }
        }
    }

    [Fact]
    public void The_test_process_itself_loads_the_patched_native_library()
    {
        string outputCopy = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        File.Exists(outputCopy).Should().BeTrue();
        ElfVersionNeedPatcher.ReadVersionNeeds(File.ReadAllBytes(outputCopy)).Single(n => n.Name == Marker).IsWeak.Should().BeTrue("the build step patched the output copy");
        ElfVersionNeedPatcher.ReadVersionNeeds(File.ReadAllBytes(PristineLibrary())).Single(n => n.Name == Marker).IsWeak.Should().BeFalse("the NuGet cache is never edited");

        Mnist.TorchRuntime.EnsureInitialized();
        using var x = TorchSharp.torch.ones(2, 3);
        x.sum().item<float>().Should().Be(6f);
    }

    private static string Readelf(string path)
    {
        var (exit, output) = Run("readelf", "-V", "-W", path);
        exit.Should().Be(0, output);
        return output;
    }

    private static (int exitCode, string output) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout + stderr);
    }
}
