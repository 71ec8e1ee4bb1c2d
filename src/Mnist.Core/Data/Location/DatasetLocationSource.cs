namespace Mnist.Data;

/// <summary>Where <see cref="DatasetLocator"/> found a dataset, in the order the places are searched.</summary>
public enum DatasetLocationSource
{
    /// <summary>Not found anywhere; the caller may download it.</summary>
    NotFound = 0,

    /// <summary>The directory the caller passed explicitly.</summary>
    ExplicitPath,

    /// <summary>The directory named by the <c>MNIST_DATA</c> environment variable (or its <c>&lt;dataset id&gt;</c> subfolder).</summary>
    EnvironmentVariable,

    /// <summary>A <c>data/&lt;dataset id&gt;</c> folder of the repository, found by walking up from the application or current directory.</summary>
    Repository,

    /// <summary>The per-user cache folder, where downloads go.</summary>
    UserCache,
}
