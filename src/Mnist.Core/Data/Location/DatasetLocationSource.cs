namespace Mnist.Data;

/// <summary>Where <see cref="DatasetLocator"/> found a dataset, in the order the places are searched.</summary>
public enum DatasetLocationSource
{
    /// <summary>Not found anywhere; the caller may download it.</summary>
    NotFound = 0,

    /// <summary>The directory the caller passed explicitly.</summary>
    ExplicitPath,

    /// <summary>The <c>&lt;dataset id&gt;</c> subfolder of the folder named by the <c>MNIST_DATA_ROOT</c> environment variable.</summary>
    EnvironmentVariable,

    /// <summary>A <c>data/&lt;dataset id&gt;</c> folder of the repository, found by walking up from the application or current directory.</summary>
    Repository,

    /// <summary>The per-user cache folder, where downloads go.</summary>
    UserCache,

    /// <summary>A system dataset package: <c>/usr/share/datasets/&lt;dataset id&gt;</c> on Linux (e.g. Debian's <c>dataset-fashion-mnist</c>).</summary>
    SystemPackage,
}
