namespace Mnist.Data;

/// <summary>
/// Thrown when a dataset's files are in none of the places <see cref="DatasetLocator"/> searches. A
/// <see cref="FileNotFoundException"/> (its <see cref="FileNotFoundException.FileName"/> is the training images' file name).
/// </summary>
public sealed class DatasetNotFoundException : FileNotFoundException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="dataset">The dataset looked for.</param>
    /// <param name="searchedDirectories">Every folder inspected, in order.</param>
    public DatasetNotFoundException(DatasetDescriptor dataset, IReadOnlyList<string> searchedDirectories)
        : base($"{dataset?.DisplayName} was not found. Looked for {string.Join(", ", (dataset?.Files ?? []).Select(f => f.FileName + "[.gz]"))} in: "
               + (searchedDirectories is { Count: > 0 } ? string.Join("; ", searchedDirectories) : "(nowhere)")
               + $". Put the files in one of those folders, set {DatasetLocator.EnvironmentVariableName} to a folder holding a '{dataset?.Id}' subfolder with them, or download them (MnistDataset.LoadSplitsAsync; the Mnist.Train app: --download).",
               dataset?.TrainImages.FileName)
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
