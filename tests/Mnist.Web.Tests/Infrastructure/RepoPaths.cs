namespace Mnist.Web.Tests.Infrastructure;

/// <summary>Locates the repository (the folder holding Mnist.sln) from the test output folder.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Mnist.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException("Mnist.sln not found above " + AppContext.BaseDirectory);
    });

    public static string Root => RootLazy.Value;

    public static string MnistData => Path.Combine(Root, "data", "mnist");
}
