using System.Buffers.Binary;

namespace Mnist.Preprocessing;

/// <summary>
/// Finds the <c>eXIf</c> chunk of a PNG file by walking its chunk headers (seeking over their data), so that the EXIF
/// orientation can be applied although the PNG decoder ignores metadata (see <see cref="DecoderConfiguration"/>).
/// </summary>
internal static class PngExifChunk
{
    /// <summary>The largest <c>eXIf</c> chunk that is read; a larger one is ignored (real ones are a few hundred bytes).</summary>
    public const int MaxLength = 1 << 20;

    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>
    /// The data of the first <c>eXIf</c> chunk among the <paramref name="length"/> bytes from the stream's position, or
    /// <see langword="null"/> when there is none, it is larger than <see cref="MaxLength"/>, or the chunk structure is
    /// broken before it (the decoder then reports the corruption). Reads only chunk headers; leaves the position anywhere.
    /// </summary>
    public static byte[]? Find(Stream stream, long length)
    {
        long start = stream.Position, end = start + length;
        Span<byte> header = stackalloc byte[8];
        if (!TryRead(stream, header) || !header.SequenceEqual(Signature)) return null;
        while (stream.Position + 12 <= end)
        {
            if (!TryRead(stream, header)) return null;
            uint size = BinaryPrimitives.ReadUInt32BigEndian(header);
            if (size > int.MaxValue || stream.Position + size + 4 > end) return null;
            var type = header[4..8];
            if (type.SequenceEqual("eXIf"u8))
            {
                if (size > MaxLength) return null;
                var data = new byte[size];
                return TryRead(stream, data) ? data : null;
            }

            if (type.SequenceEqual("IEND"u8)) return null;
            stream.Seek(size + 4, SeekOrigin.Current);
        }

        return null;
    }

    private static bool TryRead(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = stream.Read(buffer[total..]);
            if (read == 0) return false;
            total += read;
        }

        return true;
    }
}
