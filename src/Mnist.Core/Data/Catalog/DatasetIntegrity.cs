using System.IO.Compression;
using System.Security.Cryptography;
using Mnist.Data.Idx;

namespace Mnist.Data;

/// <summary>
/// Verifies a copy of a <see cref="DatasetFile"/> with the strongest check its catalogue entry allows:
/// <list type="number">
/// <item><description><see cref="DatasetFile.Sha256"/> known: SHA-256 of the uncompressed content (gzip detected from the bytes).</description></item>
/// <item><description>Otherwise <see cref="DatasetFile.CompressedSha256"/> known and the copy is gzip: SHA-256 of the file as stored.</description></item>
/// <item><description>Otherwise ("not verified: size/format check only"): the file must be a valid IDX file of
/// <see cref="DatasetFile.Dimensions"/> u8.</description></item>
/// </list>
/// </summary>
public static class DatasetIntegrity
{
    /// <summary>Lower-case hex SHA-256 of the file's content after gzip decompression (or as is, when it is not gzip).</summary>
    /// <param name="path">A plain or gzip-compressed file.</param>
    /// <exception cref="InvalidDataException">The file starts like gzip but is not a valid gzip stream.</exception>
    public static string ComputeContentSha256(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        if (!IsGzip(file)) return Convert.ToHexString(SHA256.HashData(file)).ToLowerInvariant();
        using var unzip = new GZipStream(file, CompressionMode.Decompress);
        return Convert.ToHexString(SHA256.HashData(unzip)).ToLowerInvariant();
    }

    /// <summary>Lower-case hex SHA-256 of the file's bytes as stored.</summary>
    /// <param name="path">Any file.</param>
    public static string ComputeFileSha256(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(file)).ToLowerInvariant();
    }

    /// <summary>Checks the copy at <paramref name="path"/> against <paramref name="file"/>; returns null when it passes, else the reason.</summary>
    /// <param name="file">The catalogue entry.</param>
    /// <param name="path">The copy (plain or gzip).</param>
    public static string? FindProblem(DatasetFile file, string path)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) return $"'{path}' does not exist";
        try
        {
            if (file.Sha256 is { } expected)
            {
                string actual = ComputeContentSha256(path);
                return string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase)
                    ? null
                    : $"the SHA-256 of the uncompressed content of '{path}' is {actual}, expected {expected}";
            }

            if (file.CompressedSha256 is { } expectedGz && IsGzip(path))
            {
                string actual = ComputeFileSha256(path);
                return string.Equals(actual, expectedGz, StringComparison.OrdinalIgnoreCase)
                    ? null
                    : $"the SHA-256 of '{path}' (gzip) is {actual}, expected {expectedGz}";
            }

            var idx = IdxReader.ReadFile(path);
            if (idx.ElementType != IdxElementType.UnsignedByte || !idx.Dimensions.SequenceEqual(file.Dimensions))
            {
                return $"'{path}' holds {idx.ShapeText}, expected {IdxArray.Describe(file.Dimensions, IdxElementType.UnsignedByte)}";
            }

            return null;
        }
        catch (InvalidDataException ex)
        {
            return $"'{path}' is not a valid gzip stream: {ex.Message}";
        }
        catch (IdxFormatException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>Checks the copy at <paramref name="path"/> against <paramref name="file"/> (see the class remarks).</summary>
    /// <param name="file">The catalogue entry.</param>
    /// <param name="path">The copy (plain or gzip).</param>
    /// <exception cref="DatasetIntegrityException">The copy fails the check; the message says how.</exception>
    public static void Verify(DatasetFile file, string path)
    {
        if (FindProblem(file, path) is { } problem) throw new DatasetIntegrityException(path, problem);
    }

    /// <summary>Whether the file starts with the gzip signature 1F 8B.</summary>
    /// <param name="path">Any file.</param>
    public static bool IsGzip(string path)
    {
        using var file = File.OpenRead(path);
        return IsGzip(file);
    }

    private static bool IsGzip(FileStream file)
    {
        Span<byte> head = stackalloc byte[2];
        int n = file.Read(head);
        if (n == 1) n += file.Read(head[1..]);
        file.Position = 0;
        return n == 2 && head[0] == 0x1F && head[1] == 0x8B;
    }
}
