using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Runtime.InteropServices;

namespace Mnist.Data.Idx;

/// <summary>
/// Reads IDX files (the format of MNIST, Fashion-MNIST and KMNIST): a big-endian magic number <c>00 00 TT DD</c>
/// (TT = element type, DD = number of dimensions), DD big-endian int32 dimensions, then the elements row-major.
/// gzip compression is detected from the bytes (<c>1F 8B</c>), never from the file name.
/// </summary>
/// <remarks>
/// Everything is validated before memory is committed: dimensions must be positive, their product times the
/// element size must stay within <see cref="DefaultMaxDataBytes"/> (or the limit passed in), and the data actually
/// present must be exactly that long — missing and trailing bytes are both errors. For a plain file the length is
/// compared before allocating; for a gzip stream (whose decompressed length is unknown up front) the buffer grows
/// with the data that actually arrives, so a forged header cannot make the reader allocate gigabytes for a tiny file.
/// Whatever the bytes, the only error that comes out of the reader for bad content is <see cref="IdxFormatException"/>
/// (I/O errors of the underlying file, such as <see cref="FileNotFoundException"/>, pass through).
/// </remarks>
public static class IdxReader
{
    private const int InitialGrowableBufferBytes = 1 << 20;
    private const long TrailingBytesCountLimit = 1 << 20;

    /// <summary>The default limit on the data size: <see cref="Array.MaxLength"/> bytes (just under 2 GiB).</summary>
    public static long DefaultMaxDataBytes => Array.MaxLength;

    /// <summary>Reads the IDX file at <paramref name="path"/> (plain or gzip-compressed).</summary>
    /// <param name="path">The file to read.</param>
    /// <param name="maxDataBytes">Largest accepted data size in bytes; <see cref="DefaultMaxDataBytes"/> when null.</param>
    /// <exception cref="IdxFormatException">The content is not a valid IDX file; the message names the file and the problem.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IdxArray ReadFile(string path, long? maxDataBytes = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
        return ReadCore(file, path, file.Length, maxDataBytes);
    }

    /// <summary>Reads an IDX file (plain or gzip-compressed) held in memory.</summary>
    /// <param name="bytes">The file content.</param>
    /// <param name="sourceName">A name for messages, e.g. the file name.</param>
    /// <param name="maxDataBytes">Largest accepted data size in bytes; <see cref="DefaultMaxDataBytes"/> when null.</param>
    /// <exception cref="IdxFormatException">The content is not a valid IDX file.</exception>
    public static IdxArray Read(byte[] bytes, string sourceName, long? maxDataBytes = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var stream = new MemoryStream(bytes, writable: false);
        return ReadCore(stream, sourceName, bytes.LongLength, maxDataBytes);
    }

    /// <summary>Reads an IDX file (plain or gzip-compressed) from the current position of <paramref name="stream"/> to its end.</summary>
    /// <param name="stream">A readable stream; it is not disposed.</param>
    /// <param name="sourceName">A name for messages, e.g. the file name or URL.</param>
    /// <param name="maxDataBytes">Largest accepted data size in bytes; <see cref="DefaultMaxDataBytes"/> when null.</param>
    /// <exception cref="IdxFormatException">The content is not a valid IDX file.</exception>
    public static IdxArray Read(Stream stream, string sourceName, long? maxDataBytes = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long? remaining = stream.CanSeek ? stream.Length - stream.Position : null;
        return ReadCore(stream, sourceName, remaining, maxDataBytes);
    }

    private static IdxArray ReadCore(Stream stream, string source, long? remainingLength, long? maxDataBytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        long limit = maxDataBytes ?? DefaultMaxDataBytes;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit, nameof(maxDataBytes));
        limit = Math.Min(limit, Array.MaxLength);

        byte[] sniff = new byte[2];
        int sniffed = ReadUpTo(stream, sniff);
        bool gzip = sniffed == 2 && sniff[0] == 0x1F && sniff[1] == 0x8B;
        var rest = new PrefixedReadStream(sniff[..sniffed], stream);
        try
        {
            if (!gzip) return ReadIdx(rest, source, remainingLength, limit, compressed: false);
            using var unzip = new GZipStream(rest, CompressionMode.Decompress, leaveOpen: true);
            return ReadIdx(unzip, source, null, limit, compressed: true);
        }
        catch (InvalidDataException ex)
        {
            throw new IdxFormatException(source, $"is not a valid gzip stream: {ex.Message}", ex);
        }
    }

    private static IdxArray ReadIdx(Stream stream, string source, long? totalLength, long limit, bool compressed)
    {
        string content = compressed ? "its decompressed content" : "it";
        Span<byte> magic = stackalloc byte[4];
        int got = ReadUpTo(stream, magic);
        if (got == 0) throw new IdxFormatException(source, compressed ? "decompresses to nothing" : "is empty");
        if (got < 4) throw new IdxFormatException(source, $"is too short for an IDX header: {content} has {got} byte(s), the magic number alone needs 4");
        if (magic[0] != 0 || magic[1] != 0)
        {
            throw new IdxFormatException(source,
                $"is not an IDX file: {(compressed ? "its decompressed content starts" : "it starts")} with {Convert.ToHexString(magic)} instead of a magic number 0000TTDD");
        }

        if (!IdxElementTypeExtensions.IsDefinedType(magic[2]))
        {
            throw new IdxFormatException(source,
                $"declares element type 0x{magic[2]:X2}, which is not an IDX type (08 u8, 09 i8, 0B i16, 0C i32, 0D f32, 0E f64)");
        }

        var type = (IdxElementType)magic[2];
        int rank = magic[3];
        if (rank == 0) throw new IdxFormatException(source, "declares 0 dimensions; an IDX file needs at least one");

        byte[] dimensionBytes = new byte[rank * 4];
        got = ReadUpTo(stream, dimensionBytes);
        if (got < dimensionBytes.Length)
        {
            throw new IdxFormatException(source, $"ends inside its header: it declares {rank} dimension(s) ({rank * 4} bytes) but only {got} byte(s) follow the magic number");
        }

        var dimensions = new int[rank];
        long elementCount = 1;
        int elementSize = type.SizeInBytes();
        bool tooLarge = false;
        for (int i = 0; i < rank; i++)
        {
            dimensions[i] = BinaryPrimitives.ReadInt32BigEndian(dimensionBytes.AsSpan(i * 4, 4));
            if (dimensions[i] <= 0)
            {
                throw new IdxFormatException(source,
                    $"declares dimension {i} (of {rank}) as {dimensions[i].ToString(CultureInfo.InvariantCulture)}; dimensions must be positive");
            }

            if (!tooLarge)
            {
                elementCount *= dimensions[i];
                if (elementCount > limit / elementSize) tooLarge = true;
            }
        }

        string shape = IdxArray.Describe(dimensions, type);
        if (tooLarge)
        {
            throw new IdxFormatException(source, $"declares {shape}, more than the limit of {Bytes(limit)} bytes of data");
        }

        long dataBytes = elementCount * elementSize;
        long headerBytes = 4L + rank * 4L;
        string declared = $"declares {shape} = {Bytes(dataBytes)} bytes";
        byte[] data;
        if (totalLength is { } total)
        {
            long present = total - headerBytes;
            if (present != dataBytes) throw new IdxFormatException(source, $"{declared} but holds {Bytes(present)}");
            data = GC.AllocateUninitializedArray<byte>((int)dataBytes);
            got = ReadUpTo(stream, data);
            if (got != dataBytes) throw new IdxFormatException(source, $"{declared} but holds {Bytes(got)} (the file shrank while being read)");
        }
        else
        {
            data = ReadGrowing(stream, (int)dataBytes, out int present);
            if (present != dataBytes) throw new IdxFormatException(source, $"{declared} but {content} holds {Bytes(present)}");
        }

        long trailing = CountRemaining(stream);
        if (trailing > 0)
        {
            string more = trailing >= TrailingBytesCountLimit ? $"at least {Bytes(trailing)}" : Bytes(trailing);
            throw new IdxFormatException(source, $"{declared} but {content} holds {more} trailing byte(s) after them");
        }

        return new IdxArray(source, type, dimensions, ToTypedArray(data, type, elementCount));
    }

    /// <summary>Reads up to <paramref name="expected"/> bytes into a buffer that grows only as data arrives.</summary>
    private static byte[] ReadGrowing(Stream stream, int expected, out int present)
    {
        byte[] buffer = GC.AllocateUninitializedArray<byte>(Math.Min(expected, InitialGrowableBufferBytes));
        present = 0;
        while (true)
        {
            int n = ReadUpTo(stream, buffer.AsSpan(present));
            present += n;
            if (present < buffer.Length || present == expected) break;
            int next = (int)Math.Min(expected, 2L * buffer.Length);
            var bigger = GC.AllocateUninitializedArray<byte>(next);
            buffer.AsSpan(0, present).CopyTo(bigger);
            buffer = bigger;
        }

        return buffer;
    }

    private static long CountRemaining(Stream stream)
    {
        Span<byte> scratch = stackalloc byte[4096];
        long count = 0;
        while (count < TrailingBytesCountLimit)
        {
            int n = stream.Read(scratch);
            if (n == 0) break;
            count += n;
        }

        return count;
    }

    private static int ReadUpTo(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }

        return total;
    }

    private static Array ToTypedArray(byte[] data, IdxElementType type, long count)
    {
        switch (type)
        {
            case IdxElementType.UnsignedByte:
                return data;
            case IdxElementType.SignedByte:
            {
                var result = new sbyte[count];
                MemoryMarshal.Cast<byte, sbyte>(data).CopyTo(result);
                return result;
            }

            case IdxElementType.Int16:
            {
                var result = new short[count];
                for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadInt16BigEndian(data.AsSpan(i * 2, 2));
                return result;
            }

            case IdxElementType.Int32:
            {
                var result = new int[count];
                for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(i * 4, 4));
                return result;
            }

            case IdxElementType.Single:
            {
                var result = new float[count];
                for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadSingleBigEndian(data.AsSpan(i * 4, 4));
                return result;
            }

            default:
            {
                var result = new double[count];
                for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadDoubleBigEndian(data.AsSpan(i * 8, 8));
                return result;
            }
        }
    }

    private static string Bytes(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
