using Mnist.Tests.Infrastructure;

namespace Mnist.Tests.Packaging;

/// <summary>
/// Packs every library once into the local feed with a unique test version, and removes the packages (and their copies
/// in the NuGet cache) afterwards.
/// </summary>
public sealed class PackedLibraries : IDisposable
{
    /// <summary>The libraries under src/, each a package.</summary>
    public static readonly string[] Libraries = ["Mnist.Abstractions", "Mnist.Core", "Mnist.Augmentation", "Mnist.Ensemble", "Mnist.Plotting", "Mnist.Preprocessing", "Mnist.OnnxRuntime", "Mnist.Onnx"];

    public PackedLibraries()
    {
        Version = "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
        Feed = Path.Combine(RepoPaths.Root, "local-packages");
        foreach (var library in Libraries)
        {
            var (exit, output) = ProcessRunner.Run("dotnet",
                ["pack", Path.Combine(RepoPaths.Root, "src", library, library + ".csproj"), "-c", RepoPaths.Configuration,
                 "-p:PackageVersion=" + Version, "-o", Feed, "--nologo"]);
            if (exit != 0) throw new InvalidOperationException($"dotnet pack {library} failed:\n{output}");
        }
    }

    public string Version { get; }

    public string Feed { get; }

    public string PackagePath(string library) => Path.Combine(Feed, $"{library}.{Version}.nupkg");

    /// <summary>Writes a nuget.config into <paramref name="folder"/> that lists only the local feed.</summary>
    public void WriteNuGetConfig(string folder) =>
        File.WriteAllText(Path.Combine(folder, "nuget.config"),
            $"""
             <?xml version="1.0" encoding="utf-8"?>
             <configuration>
               <packageSources>
                 <add key="mnist-local" value="{Feed}" />
               </packageSources>
             </configuration>
             """);

    public void Dispose()
    {
        foreach (var library in Libraries)
        {
            foreach (var ext in new[] { ".nupkg", ".snupkg" })
                File.Delete(Path.Combine(Feed, $"{library}.{Version}{ext}"));
            string cached = Path.Combine(NuGetPackagesRoot(), library.ToLowerInvariant(), Version);
            if (Directory.Exists(cached)) Directory.Delete(cached, recursive: true);
        }
    }

    private static string NuGetPackagesRoot() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
}
