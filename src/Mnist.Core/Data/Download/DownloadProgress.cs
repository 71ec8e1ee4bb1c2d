namespace Mnist.Data;

/// <summary>Progress of one file download, reported through <see cref="IProgress{T}"/>.</summary>
/// <param name="FileName">The file being downloaded, e.g. "train-images-idx3-ubyte.gz".</param>
/// <param name="Source">The URL it is being downloaded from.</param>
/// <param name="BytesReceived">Bytes received so far from this URL.</param>
/// <param name="TotalBytes">The size the server announced, or null when it did not.</param>
public readonly record struct DownloadProgress(string FileName, Uri Source, long BytesReceived, long? TotalBytes)
{
    /// <summary>Fraction done in [0, 1], or null when the size is unknown.</summary>
    public double? Fraction => TotalBytes is > 0 ? Math.Min(1.0, (double)BytesReceived / TotalBytes.Value) : null;
}
