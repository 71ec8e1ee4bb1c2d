namespace Mnist.Data;

/// <summary>
/// Finds the folder that holds a dataset's four IDX files (each plain or <c>.gz</c>). The search order is the same for
/// every dataset of the catalogue (<c>&lt;id&gt;</c> is <see cref="DatasetDescriptor.Id"/>: <c>mnist</c>,
/// <c>fashion-mnist</c>, <c>kmnist</c>):
/// <list type="number">
/// <item><description>An explicit directory passed by the caller. If it is given but lacks the files, the search stops
/// there (an explicit choice is never silently replaced).</description></item>
/// <item><description><c>$MNIST_DATA_ROOT/&lt;id&gt;</c>: the <c>MNIST_DATA_ROOT</c> environment variable names a folder
/// with one subfolder per dataset (<c>$MNIST_DATA_ROOT/mnist</c>, <c>$MNIST_DATA_ROOT/fashion-mnist</c>, …).</description></item>
/// <item><description>The repository's <c>data/&lt;id&gt;</c>, found by walking up from <see cref="AppContext.BaseDirectory"/>
/// and from the current directory to the root of a clone (the folder that holds <c>Mnist.sln</c>), so samples and tests in
/// a clone work offline: MNIST and Fashion-MNIST ship there. A <c>data</c> folder anywhere else on the way is ignored.</description></item>
/// <item><description>The system's dataset packages: <c>/usr/share/datasets/&lt;id&gt;</c> on Linux (Debian's
/// <c>dataset-fashion-mnist</c> installs there).</description></item>
/// <item><description>The per-user cache: <c>&lt;LocalApplicationData&gt;/mnist-dotnet/&lt;id&gt;</c>
/// (<c>~/.local/share/mnist-dotnet/…</c> on Linux, <c>%LOCALAPPDATA%\mnist-dotnet\…</c> on Windows).</description></item>
/// <item><description>Otherwise not found: <see cref="MnistDataset.LoadSplitsAsync"/> then downloads into the explicit
/// directory if one was given, else into the cache.</description></item>
/// </list>
/// </summary>
public sealed class DatasetLocator
{
    /// <summary>The environment variable consulted second: <c>MNIST_DATA_ROOT</c>, a folder with one subfolder per dataset id.</summary>
    public static readonly string EnvironmentVariableName = "MNIST_DATA_ROOT";

    /// <summary>The file that marks the root of a clone of this repository, whose <c>data/&lt;id&gt;</c> is searched third.</summary>
    public const string RepositoryMarkerFileName = "Mnist.sln";

    /// <summary>Where Linux distributions install dataset packages (Debian: <c>/usr/share/datasets/&lt;name&gt;</c>).</summary>
    public const string LinuxSystemDatasetsRoot = "/usr/share/datasets";

    private readonly Func<string, string?> _getEnvironmentVariable;
    private readonly IReadOnlyList<string>? _searchStartDirectories;

    /// <summary>Creates a locator; every argument defaults to the real environment.</summary>
    /// <param name="getEnvironmentVariable">Reads an environment variable; <see cref="Environment.GetEnvironmentVariable(string)"/> by default (inject for tests).</param>
    /// <param name="searchStartDirectories">Folders to walk up from looking for <c>data/&lt;id&gt;</c>; by default
    /// <see cref="AppContext.BaseDirectory"/> and <see cref="Environment.CurrentDirectory"/>.</param>
    /// <param name="cacheRoot">The per-user cache root; by default <c>&lt;LocalApplicationData&gt;/mnist-dotnet</c>.</param>
    /// <param name="systemDatasetsRoot">The root of the system's dataset packages; by default
    /// <see cref="LinuxSystemDatasetsRoot"/> on Linux and none elsewhere. An empty string searches no system folder.</param>
    public DatasetLocator(Func<string, string?>? getEnvironmentVariable = null, IEnumerable<string>? searchStartDirectories = null, string? cacheRoot = null, string? systemDatasetsRoot = null)
    {
        _getEnvironmentVariable = getEnvironmentVariable ?? Environment.GetEnvironmentVariable;
        _searchStartDirectories = searchStartDirectories?.ToArray(); // null: read the real folders at each search
        CacheRoot = cacheRoot ?? DefaultCacheRoot;
        SystemDatasetsRoot = systemDatasetsRoot ?? (OperatingSystem.IsLinux() ? LinuxSystemDatasetsRoot : null);
        if (SystemDatasetsRoot is { Length: 0 }) SystemDatasetsRoot = null;
    }

    /// <summary>The root of the system's dataset packages searched fourth, or <see langword="null"/> for none.</summary>
    public string? SystemDatasetsRoot { get; }

    /// <summary>A locator over the real environment.</summary>
    public static DatasetLocator Default { get; } = new();

    /// <summary><c>&lt;LocalApplicationData&gt;/mnist-dotnet</c> (falls back to the temp folder where there is no such folder).</summary>
    public static string DefaultCacheRoot
    {
        get
        {
            string root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
            if (string.IsNullOrEmpty(root)) root = Path.GetTempPath();
            return Path.Combine(root, "mnist-dotnet");
        }
    }

    /// <summary>The per-user cache root of this locator.</summary>
    public string CacheRoot { get; }

    /// <summary>The cache folder of one dataset: <see cref="CacheRoot"/>/<c>&lt;id&gt;</c>.</summary>
    /// <param name="dataset">The dataset.</param>
    public string GetCacheDirectory(DatasetDescriptor dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return Path.Combine(CacheRoot, dataset.Id);
    }

    /// <summary>Searches for <paramref name="dataset"/> in the order described on the class.</summary>
    /// <param name="dataset">The dataset to find.</param>
    /// <param name="explicitDirectory">A folder chosen by the caller, or null.</param>
    /// <returns>Where the files are, or <see cref="DatasetLocationSource.NotFound"/> with the folders searched.</returns>
    public DatasetLocation Locate(DatasetDescriptor dataset, string? explicitDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var searched = new List<string>();

        DatasetLocation? Try(string directory, DatasetLocationSource source)
        {
            string full = Path.GetFullPath(directory);
            if (searched.Contains(full)) return null;
            searched.Add(full);
            return HoldsAllFiles(full, dataset) ? new DatasetLocation(source, full, searched) : null;
        }

        if (!string.IsNullOrWhiteSpace(explicitDirectory))
        {
            return Try(explicitDirectory, DatasetLocationSource.ExplicitPath)
                   ?? new DatasetLocation(DatasetLocationSource.NotFound, null, searched);
        }

        if (_getEnvironmentVariable(EnvironmentVariableName) is { Length: > 0 } fromEnvironment
            && Try(Path.Combine(fromEnvironment, dataset.Id), DatasetLocationSource.EnvironmentVariable) is { } inRoot)
        {
            return inRoot;
        }

        foreach (string start in _searchStartDirectories ?? [AppContext.BaseDirectory, Environment.CurrentDirectory])
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                // Only a clone of this repository counts (its root holds Mnist.sln), not any data/<id> folder on the way up.
                string candidate = Path.Combine(dir.FullName, "data", dataset.Id);
                if (!Directory.Exists(candidate) || !File.Exists(Path.Combine(dir.FullName, RepositoryMarkerFileName))) continue;
                if (Try(candidate, DatasetLocationSource.Repository) is { } found) return found;
            }
        }

        if (SystemDatasetsRoot is { } systemRoot
            && Try(Path.Combine(systemRoot, dataset.Id), DatasetLocationSource.SystemPackage) is { } fromSystem)
        {
            return fromSystem;
        }

        return Try(GetCacheDirectory(dataset), DatasetLocationSource.UserCache)
               ?? new DatasetLocation(DatasetLocationSource.NotFound, null, searched);
    }

    /// <summary>Whether <paramref name="directory"/> holds all four files of <paramref name="dataset"/> (plain or .gz).</summary>
    /// <param name="directory">The folder to inspect.</param>
    /// <param name="dataset">The dataset.</param>
    public static bool HoldsAllFiles(string directory, DatasetDescriptor dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return Directory.Exists(directory) && dataset.Files.All(f => FindFile(directory, f) is not null);
    }

    /// <summary>The path of <paramref name="file"/> in <paramref name="directory"/>: the plain name if present, else the .gz name; null if neither exists.</summary>
    /// <param name="directory">The folder to inspect.</param>
    /// <param name="file">The file to find.</param>
    public static string? FindFile(string directory, DatasetFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        string plain = Path.Combine(directory, file.FileName);
        if (File.Exists(plain)) return plain;
        string gz = Path.Combine(directory, file.DownloadName);
        return File.Exists(gz) ? gz : null;
    }
}
