using System.IO.Compression;
using System.Xml.Linq;
using Mnist.Build;
using Mnist.Tests.Infrastructure;

namespace Mnist.Tests.Packaging;

/// <summary>
/// The packages as their users get them: every library is packed into the local feed (<see cref="PackedLibraries"/>);
/// each nuspec's dependencies must be exactly the intended layering (docs/architecture.md), so that no package silently
/// grows a dependency; samples/Mnist.CustomNet — a project outside the solution that references the packages it uses by
/// PackageReference (plus TorchSharp-cpu) — is copied outside the repository, built and run; and a consumer of
/// Mnist.Core alone gets no plotting natives. The consumers' builds prove that the Debian 12 fix arrives through
/// buildTransitive.
/// </summary>
public sealed class ConsumerPackageTests(PackedLibraries packed) : IClassFixture<PackedLibraries>
{
    /// <summary>The intended layering: each package's direct dependencies, nothing more.</summary>
    private static readonly Dictionary<string, string[]> IntendedDependencies = new()
    {
        ["Mnist.Abstractions"] = [],
        ["Mnist.Core"] = ["MathNet.Numerics", "Mnist.Abstractions", "TorchSharp"],
        ["Mnist.Augmentation"] = ["MathNet.Numerics", "Mnist.Core", "SixLabors.ImageSharp", "TorchSharp"],
        ["Mnist.Ensemble"] = ["Mnist.Core", "TorchSharp"],
        ["Mnist.Plotting"] = ["Mnist.Core", "ScottPlot", "TorchSharp"],
        ["Mnist.Preprocessing"] = ["SixLabors.ImageSharp"],
        ["Mnist.OnnxRuntime"] = ["Microsoft.ML.OnnxRuntime.Managed", "Mnist.Abstractions"],
        ["Mnist.Onnx"] = ["Google.Protobuf", "Mnist.Core", "Mnist.Ensemble"],
    };

    // What ScottPlot brings on top of TorchSharp: its assembly, HarfBuzzSharp with its native assets, and SkiaSharp's
    // Linux native library. (TorchSharp 0.107 itself depends on the SkiaSharp package, whose managed assembly and
    // Windows/macOS natives therefore reach every TorchSharp app; the Linux native comes only with ScottPlot.)
    private static readonly string[] PlottingOnlyFiles = ["ScottPlot.dll", "HarfBuzzSharp.dll", "libHarfBuzzSharp.so", "libHarfBuzzSharp.dll", "libHarfBuzzSharp.dylib", "libSkiaSharp.so"];

    [Fact]
    public void Every_package_depends_on_exactly_what_the_layering_allows_for_both_target_frameworks()
    {
        IntendedDependencies.Keys.Should().BeEquivalentTo(PackedLibraries.Libraries);
        foreach (var library in PackedLibraries.Libraries)
        {
            var (names, groups) = ReadPackage(packed.PackagePath(library), library);
            groups.Keys.Should().BeEquivalentTo(["net8.0", "net10.0"], $"{library} has one dependency group per target framework");
            foreach (var (framework, dependencies) in groups)
            {
                dependencies.Should().BeEquivalentTo(IntendedDependencies[library], $"{library} ({framework}) may depend only on what its users need");
            }

            names.Should().Contain("README.md");
            foreach (var tfm in new[] { "net8.0", "net10.0" })
            {
                names.Should().Contain($"lib/{tfm}/{library}.dll");
                names.Should().Contain($"lib/{tfm}/{library}.xml", "XML docs ship in the package");
            }

            File.Exists(Path.ChangeExtension(packed.PackagePath(library), ".snupkg")).Should().BeTrue("a symbols package is produced");
            if (library == "Mnist.Core")
            {
                names.Should().Contain("buildTransitive/Mnist.Core.targets");
                names.Should().Contain("buildTransitive/MnistWeakenElfVersionNeeds.cs");
            }
        }
    }

    [Fact]
    public void An_outside_project_builds_trains_and_predicts_with_the_packages_it_references()
    {
        string work = Directory.CreateTempSubdirectory("mnist-consumer-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "samples", "Mnist.CustomNet")))
                File.Copy(file, Path.Combine(work, Path.GetFileName(file)));
            packed.WriteNuGetConfig(work);

            var (runExit, runOutput) = ProcessRunner.Run("dotnet",
                ["run", "-c", "Release", "-p:MnistVersion=" + packed.Version, "--nologo", "--", "--train-images", "4000", "--test-images", "1000"],
                work, TimeSpan.FromMinutes(10), new Dictionary<string, string> { ["MNIST_DATA_ROOT"] = Path.Combine(RepoPaths.Root, "data") });
            runExit.Should().Be(0, runOutput);
            var match = System.Text.RegularExpressions.Regex.Match(runOutput, @"CUSTOMNET-OK ensemble accuracy (?<acc>[0-9.]+) on 1000 test images");
            match.Success.Should().BeTrue(runOutput);
            double.Parse(match.Groups["acc"].Value, System.Globalization.CultureInfo.InvariantCulture).Should().BeGreaterThan(0.8, "a small ensemble trained on 4,000 images learns MNIST (about 0.93–0.95 here)");

            string native = Directory.GetFiles(Path.Combine(work, "bin"), "libLibTorchSharp.so", SearchOption.AllDirectories).Single();
            ElfVersionNeedPatcher.ReadVersionNeeds(File.ReadAllBytes(native))
                .Single(n => n.Name == "GLIBCXX_3.4.32").IsWeak.Should().BeTrue("the buildTransitive step ran in the consumer's build");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public void A_consumer_of_Mnist_Core_alone_gets_no_plotting_native_assets()
    {
        string work = Directory.CreateTempSubdirectory("mnist-core-only-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(work, "CoreOnly.csproj"),
                $"""
                 <Project Sdk="Microsoft.NET.Sdk">
                   <PropertyGroup>
                     <OutputType>Exe</OutputType>
                     <TargetFramework>net10.0</TargetFramework>
                     <ImplicitUsings>enable</ImplicitUsings>
                     <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
                   </PropertyGroup>
                   <ItemGroup>
                     <PackageReference Include="Mnist.Core" Version="{packed.Version}" />
                     <PackageReference Include="TorchSharp-cpu" Version="0.107.0" />
                   </ItemGroup>
                 </Project>
                 """);
            File.WriteAllText(Path.Combine(work, "Program.cs"),
                "using Mnist.Models;\nusing var model = Sequential.Input(1, 28, 28).Flatten().Dense(10).Build();\nConsole.WriteLine(\"CORE-ONLY-OK \" + model.Summary().TrainableParameters);\n");
            packed.WriteNuGetConfig(work);

            var (buildExit, buildOutput) = ProcessRunner.Run("dotnet", ["build", "-c", "Release", "--nologo"], work, TimeSpan.FromMinutes(10));
            buildExit.Should().Be(0, buildOutput);
            buildOutput.Should().MatchRegex(@"Mnist\.Core: patched .*libLibTorchSharp\.so: version need\(s\) GLIBCXX_3\.4\.32 marked weak.*-p:MnistPatchLibTorchSharp=false",
                "the Debian 12 step says in a consumer's build what it patched and how to turn it off");
            var (exit, output) = ProcessRunner.Run("dotnet", ["run", "-c", "Release", "--no-build", "--nologo"], work, TimeSpan.FromMinutes(5));
            exit.Should().Be(0, output);
            output.Should().Contain("CORE-ONLY-OK 7850");

            var files = Directory.GetFiles(Path.Combine(work, "bin"), "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToArray();
            files.Should().Contain("libLibTorchSharp.so");
            files.Should().NotContain(f => PlottingOnlyFiles.Contains(f), "plotting assemblies and natives come only with Mnist.Plotting");
            files.Should().NotContain(f => f!.StartsWith("SixLabors", StringComparison.Ordinal), "image codecs come only with the packages that decode images");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static (string[] Names, Dictionary<string, string[]> Groups) ReadPackage(string nupkg, string id)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        var names = zip.Entries.Select(e => e.FullName).ToArray();
        using var nuspecStream = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        var nuspec = XDocument.Load(nuspecStream);
        XNamespace ns = nuspec.Root!.Name.Namespace;
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        metadata.Element(ns + "id")!.Value.Should().Be(id);
        metadata.Element(ns + "license")!.Value.Should().Be("MIT");
        metadata.Element(ns + "readme")!.Value.Should().Be("README.md");
        metadata.Element(ns + "description")!.Value.Should().NotBeNullOrWhiteSpace();
        var groups = metadata.Descendants(ns + "group").ToDictionary(
            g => NormalizeFramework(g.Attribute("targetFramework")!.Value),
            g => g.Elements(ns + "dependency").Select(d => d.Attribute("id")!.Value).ToArray());
        return (names, groups);
    }

    private static string NormalizeFramework(string nuspecFramework) => nuspecFramework switch
    {
        "net8.0" or ".NETCoreApp8.0" => "net8.0",
        "net10.0" or ".NETCoreApp10.0" => "net10.0",
        var other => other,
    };
}
