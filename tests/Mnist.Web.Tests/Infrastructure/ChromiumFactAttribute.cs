namespace Mnist.Web.Tests.Infrastructure;

/// <summary>
/// A test that drives Debian's headless Chromium through chromedriver (<c>apt-get install chromium chromium-driver</c>).
/// Where either is missing the test is skipped with the install command, so the README's test command passes on a
/// machine with only the .NET SDK; with <c>MNIST_TESTS_REQUIRE_SYSTEM_RESOURCES=1</c> (set by <c>.ci/run</c>, which
/// installs them) it runs and fails instead.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ChromiumFactAttribute : FactAttribute
{
    /// <summary>The variable that turns a missing browser from a skip into a failure.</summary>
    public const string RequireVariable = "MNIST_TESTS_REQUIRE_SYSTEM_RESOURCES";

    /// <summary>Debian's Chromium.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Debian's chromedriver (package chromium-driver).</summary>
    public const string ChromeDriverPath = "/usr/bin/chromedriver";

    /// <summary>How to install both.</summary>
    public const string InstallCommand = "sudo apt-get install -y chromium chromium-driver";

    public ChromiumFactAttribute()
    {
        string[] missing = [.. new[] { ChromiumPath, ChromeDriverPath }.Where(p => !File.Exists(p))];
        if (missing.Length > 0 && !IsRequired)
            Skip = $"{string.Join(" and ", missing)} not on this machine (optional; install with `{InstallCommand}`, or set {RequireVariable}=1 to make their absence a failure).";
    }

    /// <summary>Whether a missing browser fails the test (CI) rather than skipping it.</summary>
    public static bool IsRequired => Environment.GetEnvironmentVariable(RequireVariable) == "1";
}
