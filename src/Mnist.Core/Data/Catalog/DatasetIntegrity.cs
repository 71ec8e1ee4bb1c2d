using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using Mnist.Data;

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

    private static (string Hash, long Length) ComputeBoundedContentSha256(string path, long maxLength)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        using Stream content = IsGzip(file) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = new byte[1 << 16];
        long length = 0;
        while (length < maxLength)
        {
            int n = content.Read(buffer, 0, (int)Math.Min(buffer.Length, maxLength - length));
            if (n == 0) break;
            hash.AppendData(buffer, 0, n);
            length += n;
        }

        return (Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant(), length);
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
                // Hash at most one byte more than the catalogue's size: a decompression bomb is refused after reading
                // about its expected length instead of inflating it all.
                var (actual, length) = ComputeBoundedContentSha256(path, file.UncompressedLength + 1);
                if (length > file.UncompressedLength)
                {
                    return string.Create(CultureInfo.InvariantCulture, $"the uncompressed content of '{path}' is longer than the expected {file.UncompressedLength:N0} bytes");
                }

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

            // The catalogue says what the file must declare: read it with limits that admit exactly that, so a forged
            // header is refused before its data is read.
            long expectedBytes = Math.Max(1, file.UncompressedLength - 4L - (4L * file.Dimensions.Count));
            var limits = new IdxReadLimits
            {
                MaxBytes = Math.Clamp(expectedBytes, 1, Array.MaxLength),
                MaxItems = file.Dimensions.Count > 0 ? Math.Max(1, file.Dimensions[0]) : 1,
            };
            var idx = IdxReader.ReadFile(path, limits);
            if (idx.ElementType != IdxElementType.UnsignedByte || !idx.Dimensions.SequenceEqual(file.Dimensions))
            {
                return $"'{path}' holds {idx.ShapeText}, expected {IdxArray.Describe(file.Dimensions, IdxElementType.UnsignedByte)}";
            }

            return null;
        }
        catch (IdxFormatException ex)
        {
            return ex.Message;
        }
        catch (InvalidDataException ex)
        {
            return $"'{path}' is not a valid gzip stream: {ex.Message}";
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
