using System.Buffers.Binary;
using System.Globalization;

namespace Mnist.Preprocessing;

/// <summary>
/// Checks, before ImageSharp sees a file, the size fields that its 2.1 decoders allocate from without comparing them with
/// the file's length: a BMP's data offset and palette size (a palette array of up to 2 GB for a 60-byte file), and the
/// chunk sizes of a WebP (image-data, alpha, EXIF, XMP and ICC buffers of up to 4 GB, already while identifying). With every
/// such field no larger than the file, what those decoders allocate is bounded by
/// <see cref="DigitPreprocessingOptions.MaxFileBytes"/>. The other formats compare their lengths with the stream
/// (PNG, TIFF) or use small fixed-width fields (GIF, JPEG, TGA).
/// </summary>
internal static class FileStructureCheck
{
    /// <summary>What is inconsistent in the <paramref name="length"/> bytes from the stream's position, or <see langword="null"/>; leaves the position anywhere.</summary>
    public static string? FindInconsistency(Stream stream, long length)
    {
        Span<byte> header = stackalloc byte[54];
        int read = ReadUpTo(stream, header);
        header = header[..read];
        if (header.Length >= 2 && header[0] == (byte)'B' && header[1] == (byte)'M') return CheckBmp(header, length);
        if (header.Length >= 12 && header[..4].SequenceEqual("RIFF"u8) && header[8..12].SequenceEqual("WEBP"u8))
        {
            stream.Seek(12 - read, SeekOrigin.Current);
            return CheckWebp(stream, length);
        }

        return null;
    }

    private static string? CheckBmp(ReadOnlySpan<byte> header, long length)
    {
        if (header.Length < 18) return null;
        uint offset = BinaryPrimitives.ReadUInt32LittleEndian(header[10..]);
        if (offset > length)
            return Invariant($"the BMP header puts the pixel data at byte {offset:N0}, beyond the end of the {length:N0}-byte file.");
        uint headerSize = BinaryPrimitives.ReadUInt32LittleEndian(header[14..]);
        if (headerSize >= 40 && header.Length >= 50)
        {
            uint coloursUsed = BinaryPrimitives.ReadUInt32LittleEndian(header[46..]);
            if (coloursUsed * 4L > length)
                return Invariant($"the BMP header declares a palette of {coloursUsed:N0} colours ({coloursUsed * 4L:N0} bytes), more than the {length:N0}-byte file holds.");
        }

        return null;
    }

    private static string? CheckWebp(Stream stream, long length)
    {
        Span<byte> chunk = stackalloc byte[8];
        long position = 12;
        while (position + 8 <= length)
        {
            if (ReadUpTo(stream, chunk) < 8) return null;
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..]);
            long padded = size + (size & 1);
            long left = length - position - 8;
            if (padded > left)
            {
                // ImageSharp rounds odd sizes up: a final chunk that lacks only its padding byte is still readable.
                if (size > left)
                {
                    string type = string.Concat(chunk[..4].ToArray().Select(b => b is >= 0x20 and < 0x7F ? (char)b : '?'));
                    return Invariant($"the WebP chunk '{type}' at byte {position:N0} declares {size:N0} bytes, more than the {left:N0} left in the file.");
                }

                return null;
            }

            position += 8 + padded;
            stream.Seek(padded, SeekOrigin.Current);
        }

        return null;
    }

    private static int ReadUpTo(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = stream.Read(buffer[total..]);
            if (read == 0) break;
            total += read;
        }

        return total;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
