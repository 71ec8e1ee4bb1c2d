namespace Mnist.Data;

/// <summary>Thrown when a dataset's files are in none of the places <see cref="DatasetLocator"/> searches.</summary>
public sealed class DatasetNotFoundException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="dataset">The dataset looked for.</param>
    /// <param name="searchedDirectories">Every folder inspected, in order.</param>
    public DatasetNotFoundException(DatasetDescriptor dataset, IReadOnlyList<string> searchedDirectories)
        : base($"{dataset?.DisplayName} was not found. Looked for {string.Join(", ", (dataset?.Files ?? []).Select(f => f.FileName + "[.gz]"))} in: "
               + (searchedDirectories is { Count: > 0 } ? string.Join("; ", searchedDirectories) : "(nowhere)")
               + $". Pass a directory, set {DatasetLocator.EnvironmentVariableName}, or use MnistDataset.LoadSplitsAsync to download it.")
    {
        ArgumentNullException.ThrowIfNull(dataset);
        Dataset = dataset;
        SearchedDirectories = searchedDirectories;
    }

    /// <summary>The dataset looked for.</summary>
    public DatasetDescriptor Dataset { get; }

    /// <summary>Every folder inspected, in order.</summary>
    public IReadOnlyList<string> SearchedDirectories { get; }
}
