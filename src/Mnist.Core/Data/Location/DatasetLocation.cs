namespace Mnist.Data;

/// <summary>The result of <see cref="DatasetLocator.Locate"/>: where the files are, or everywhere that was searched.</summary>
/// <param name="Source">Which rule matched, or <see cref="DatasetLocationSource.NotFound"/>.</param>
/// <param name="Directory">The folder holding all four files; null when not found.</param>
/// <param name="SearchedDirectories">Every folder inspected, in order (for error messages).</param>
public sealed record DatasetLocation(DatasetLocationSource Source, string? Directory, IReadOnlyList<string> SearchedDirectories)
{
    /// <summary>Whether all four files were found.</summary>
    public bool Found => Directory is not null;
}
