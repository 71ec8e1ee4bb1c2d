namespace Mnist.Tests.Infrastructure;

/// <summary>
/// A test that verifies an optional system resource (a path an apt package installs). Where the resource is missing the
/// test is skipped with the install command, so the README's test command passes on a machine with only the .NET SDK;
/// with <c>MNIST_TESTS_REQUIRE_SYSTEM_RESOURCES=1</c> (set by <c>.ci/run</c>, which installs the packages) it runs and
/// fails with that command instead.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SystemResourceFactAttribute : FactAttribute
{
    /// <summary>The variable that turns a missing resource from a skip into a failure.</summary>
    public const string RequireVariable = "MNIST_TESTS_REQUIRE_SYSTEM_RESOURCES";

    /// <param name="path">The file or folder the resource provides.</param>
    /// <param name="installCommand">How to install it, e.g. <c>sudo apt-get install -y dataset-fashion-mnist</c>.</param>
    public SystemResourceFactAttribute(string path, string installCommand)
    {
        Path = path;
        InstallCommand = installCommand;
        if (!IsPresent(path) && !IsRequired)
            Skip = $"{path} is not on this machine (optional; install it with `{installCommand}`, or set {RequireVariable}=1 to make its absence a failure).";
    }

    /// <summary>The file or folder the resource provides.</summary>
    public string Path { get; }

    /// <summary>How to install it.</summary>
    public string InstallCommand { get; }

    /// <summary>Whether a missing resource fails the test (CI) rather than skipping it.</summary>
    public static bool IsRequired => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    private static bool IsPresent(string path) => File.Exists(path) || Directory.Exists(path);
}
