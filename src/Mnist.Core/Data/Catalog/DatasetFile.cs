namespace Mnist.Data;

/// <summary>
/// One file of a dataset in the IDX format, e.g. MNIST's <c>train-images-idx3-ubyte</c>, with what is known to verify it.
/// </summary>
/// <remarks>
/// <para><see cref="Sha256"/> is the hash of the <em>uncompressed</em> IDX content. It is the authoritative check: it
/// holds whether a copy is stored plain or gzip-compressed, and whichever mirror (or re-compression) it came from.</para>
/// <para><see cref="CompressedSha256"/> is the hash of the <c>.gz</c> file as the dataset's authors publish it. It is used
/// only when <see cref="Sha256"/> is unknown (then a re-compressed mirror cannot be verified).</para>
/// <para>With neither hash, a file can only be checked for size and format (see <see cref="DatasetIntegrity"/>).</para>
/// </remarks>
public sealed record DatasetFile
{
    /// <summary>The uncompressed file name, e.g. <c>train-images-idx3-ubyte</c>; copies may carry an extra <c>.gz</c>.</summary>
    public required string FileName { get; init; }

    /// <summary>The dimensions the file must declare, e.g. 60000, 28, 28.</summary>
    public required IReadOnlyList<int> Dimensions { get; init; }

    /// <summary>Lower-case hex SHA-256 of the uncompressed content, or null when not known.</summary>
    public string? Sha256 { get; init; }

    /// <summary>Lower-case hex SHA-256 of the published <c>.gz</c> file, or null when not known.</summary>
    public string? CompressedSha256 { get; init; }

    /// <summary>The name mirrors serve the file under: <see cref="FileName"/> + ".gz".</summary>
    public string DownloadName => FileName + ".gz";

    /// <summary>Size of the uncompressed file: the 4-byte magic number, 4 bytes per dimension, then one byte per element.</summary>
    public long UncompressedLength => 4L + 4L * Dimensions.Count + Dimensions.Aggregate(1L, (p, d) => p * d);

    /// <summary>The file name, for display.</summary>
    public override string ToString() => FileName;
}
