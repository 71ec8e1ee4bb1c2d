using System.IO.Compression;
using System.Xml.Linq;
using Mnist.Build;
using Mnist.Tests.Infrastructure;

namespace Mnist.Tests.Packaging;

/// <summary>
/// Packs the three libraries into the local feed, then copies samples/Mnist.CustomNet — a project outside the solution
/// that references them by PackageReference (plus TorchSharp-cpu) — to a folder outside the repository, builds it there
/// and runs it: it composes its own convnet, trains a small ensemble with augmentation and reports its accuracy. This
/// proves that consumers, including those on Debian 12 (the fix arrives through buildTransitive), can use the packages.
/// </summary>
public sealed class ConsumerPackageTests
{
    private static readonly string[] Libraries = ["Mnist.Core", "Mnist.Augmentation", "Mnist.Ensemble"];

    [Fact]
    public void Packages_have_the_right_metadata_and_an_outside_project_builds_trains_and_predicts_with_them()
    {
        string version = "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff");
        string feed = Path.Combine(RepoPaths.Root, "local-packages");
        string work = Directory.CreateTempSubdirectory("mnist-consumer-").FullName;
        try
        {
            foreach (var library in Libraries)
            {
                var (exit, output) = ProcessRunner.Run("dotnet",
                    ["pack", Path.Combine(RepoPaths.Root, "src", library, library + ".csproj"), "-c", RepoPaths.Configuration,
                     "-p:PackageVersion=" + version, "-o", feed, "--nologo"]);
                exit.Should().Be(0, output);
            }

            foreach (var library in Libraries)
            {
                string nupkg = Path.Combine(feed, $"{library}.{version}.nupkg");
                File.Exists(nupkg).Should().BeTrue();
                File.Exists(Path.Combine(feed, $"{library}.{version}.snupkg")).Should().BeTrue("a symbols package is produced");
                CheckPackage(nupkg, library, version);
            }

            foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "samples", "Mnist.CustomNet")))
                File.Copy(file, Path.Combine(work, Path.GetFileName(file)));
            File.WriteAllText(Path.Combine(work, "nuget.config"),
                $"""
                 <?xml version="1.0" encoding="utf-8"?>
                 <configuration>
                   <packageSources>
                     <add key="mnist-local" value="{feed}" />
                   </packageSources>
                 </configuration>
                 """);

            var (runExit, runOutput) = ProcessRunner.Run("dotnet",
                ["run", "-c", "Release", "-p:MnistVersion=" + version, "--nologo", "--", "--train-images", "4000", "--test-images", "1000"],
                work, TimeSpan.FromMinutes(10), new Dictionary<string, string> { ["MNIST_DATA"] = RepoPaths.MnistData });
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
            foreach (var library in Libraries)
            {
                foreach (var ext in new[] { ".nupkg", ".snupkg" })
                    File.Delete(Path.Combine(feed, $"{library}.{version}{ext}"));
                string cached = Path.Combine(NuGetPackagesRoot(), library.ToLowerInvariant(), version);
                if (Directory.Exists(cached)) Directory.Delete(cached, recursive: true);
            }
        }
    }

    private static void CheckPackage(string nupkg, string id, string version)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        var names = zip.Entries.Select(e => e.FullName).ToArray();
        names.Should().Contain("README.md");
        foreach (var tfm in new[] { "net8.0", "net10.0" })
        {
            names.Should().Contain($"lib/{tfm}/{id}.dll");
            names.Should().Contain($"lib/{tfm}/{id}.xml", "XML docs ship in the package");
        }

        if (id == "Mnist.Core")
        {
            names.Should().Contain("buildTransitive/Mnist.Core.targets");
            names.Should().Contain("buildTransitive/MnistWeakenElfVersionNeeds.cs");
        }

        using var nuspecStream = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        var nuspec = XDocument.Load(nuspecStream);
        XNamespace ns = nuspec.Root!.Name.Namespace;
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        metadata.Element(ns + "id")!.Value.Should().Be(id);
        metadata.Element(ns + "version")!.Value.Should().Be(version);
        metadata.Element(ns + "license")!.Value.Should().Be("MIT");
        metadata.Element(ns + "readme")!.Value.Should().Be("README.md");
        metadata.Element(ns + "description")!.Value.Should().NotBeNullOrWhiteSpace();
        metadata.Element(ns + "tags")!.Value.Should().Contain("torchsharp");
        var dependencies = metadata.Descendants(ns + "dependency").Select(d => d.Attribute("id")!.Value).ToArray();
        dependencies.Should().Contain("TorchSharp");
        dependencies.Should().NotContain(d => d.StartsWith("TorchSharp-", StringComparison.OrdinalIgnoreCase) || d.StartsWith("libtorch", StringComparison.OrdinalIgnoreCase),
            "libraries must leave the choice of native bundle to the application");
        if (id != "Mnist.Core") dependencies.Should().Contain("Mnist.Core");
    }

    private static string NuGetPackagesRoot() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
}
