using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Mnist.Data;

/// <summary>
/// Reads IDX files (the format of MNIST, Fashion-MNIST and KMNIST): a big-endian magic number <c>00 00 TT DD</c>
/// (TT = element type, DD = number of dimensions), DD big-endian int32 dimensions, then the elements row-major.
/// gzip compression is detected from the bytes (<c>1F 8B</c>), never from the file name.
/// </summary>
/// <remarks>
/// <para>Every size a header declares is bounded before memory is allocated for it (see <see cref="IdxReadLimits"/>):
/// dimensions must be positive, the first one (the item count) must not exceed <see cref="IdxReadLimits.MaxItems"/>
/// and the data size (product of the dimensions times the element size) must not exceed
/// <see cref="IdxReadLimits.MaxBytes"/>. The data actually present must then be exactly that long — missing and
/// trailing bytes are both errors.</para>
/// <para>Memory follows the data actually present, never the claim alone: a plain file's length is compared with the
/// declared size before anything is allocated; a gzip file whose declared size exceeds <see cref="MaxGzipExpansion"/>
/// times its compressed length (more than deflate can possibly produce) is rejected at once; otherwise the declared
/// size is allocated up front only when it is small (at most 64 MiB), and larger data is read into a buffer that grows
/// as the bytes arrive, so a truncated file costs about its real content.</para>
/// <para>Whatever the bytes, the only error that comes out of the reader for bad content is <see cref="IdxFormatException"/>
/// (I/O errors of the underlying file, such as <see cref="FileNotFoundException"/>, pass through).</para>
/// </remarks>
public static class IdxReader
{
    /// <summary>
    /// The largest factor by which deflate (the compression inside gzip) can expand data: 1032 (a 258-byte match coded
    /// in 2 bits). A gzip file of <c>n</c> bytes cannot decompress to more than <c>n × 1032</c> bytes.
    /// </summary>
    public const int MaxGzipExpansion = 1032;

    /// <summary>Declared data up to this size is allocated in one piece (when the input's length makes it plausible).</summary>
    internal const long PreallocateBytesLimit = 64L << 20;

    private const int InitialGrowableBufferBytes = 1 << 20;
    private const long TrailingBytesCountLimit = 1 << 20;

    /// <summary>Reads the IDX file at <paramref name="path"/> (plain or gzip-compressed).</summary>
    /// <param name="path">The file to read.</param>
    /// <param name="limits">Bounds on the declared sizes (copied and validated); <see cref="IdxReadLimits.Default"/> when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">A limit is out of range (<see cref="IdxReadLimits.Validate"/>).</exception>
    /// <exception cref="IdxFormatException">The content is not a valid IDX file or declares more than
    /// <paramref name="limits"/> allow; the message names the file and the problem.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IdxArray ReadFile(string path, IdxReadLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
        return ReadCore(file, path, file.CanSeek ? file.Length : null, limits);
    }

    /// <summary>Reads an IDX file (plain or gzip-compressed) held in memory.</summary>
    /// <param name="bytes">The file content.</param>
    /// <param name="sourceName">A name for messages, e.g. the file name.</param>
    /// <param name="limits">Bounds on the declared sizes (copied and validated); <see cref="IdxReadLimits.Default"/> when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">A limit is out of range (<see cref="IdxReadLimits.Validate"/>).</exception>
    /// <exception cref="IdxFormatException">The content is not a valid IDX file or declares more than <paramref name="limits"/> allow.</exception>
    public static IdxArray Read(byte[] bytes, string sourceName, IdxReadLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var stream = new MemoryStream(bytes, writable: false);
        return ReadCore(stream, sourceName, bytes.LongLength, limits);
    }

    /// <summary>Reads an IDX file (plain or gzip-compressed) from the current position of <paramref name="stream"/> to its end.</summary>
    /// <param name="stream">A readable stream; it is not disposed. When it can seek, its remaining length is used to
    /// reject impossible sizes before reading.</param>
    /// <param name="sourceName">A name for messages, e.g. the file name or URL.</param>
    /// <param name="limits">Bounds on the declared sizes (copied and validated); <see cref="IdxReadLimits.Default"/> when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">A limit is out of range (<see cref="IdxReadLimits.Validate"/>).</exception>
    /// <exception cref="IdxFormatException">The content is not a valid IDX file or declares more than <paramref name="limits"/> allow.</exception>
    public static IdxArray Read(Stream stream, string sourceName, IdxReadLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long? remaining = stream.CanSeek ? Math.Max(0, stream.Length - stream.Position) : null;
        return ReadCore(stream, sourceName, remaining, limits);
    }

    private static IdxArray ReadCore(Stream stream, string source, long? storedLength, IdxReadLimits? limits)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        limits = limits?.Clone() ?? new IdxReadLimits();
        limits.Validate();

        byte[] sniff = new byte[2];
        int sniffed = ReadUpTo(stream, sniff);
        bool gzip = sniffed == 2 && sniff[0] == 0x1F && sniff[1] == 0x8B;
        var rest = new PrefixedReadStream(sniff[..sniffed], stream);
        try
        {
            if (!gzip) return ReadIdx(rest, source, limits, compressed: false, storedLength);
            using var unzip = new GZipStream(rest, CompressionMode.Decompress, leaveOpen: true);
            return ReadIdx(unzip, source, limits, compressed: true, storedLength);
        }
        catch (InvalidDataException ex)
        {
            throw new IdxFormatException(source, $"is not a valid gzip stream: {ex.Message}", ex);
        }
    }

    // storedLength: the length of the input as stored (compressed for gzip), when known.
    private static IdxArray ReadIdx(Stream stream, string source, IdxReadLimits limits, bool compressed, long? storedLength)
    {
        long? plainLength = compressed ? null : storedLength;
        long? compressedLength = compressed ? storedLength : null;
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
        int elementSize = type.SizeInBytes();
        long declaredBytes = elementSize; // saturates at long.MaxValue
        for (int i = 0; i < rank; i++)
        {
            dimensions[i] = BinaryPrimitives.ReadInt32BigEndian(dimensionBytes.AsSpan(i * 4, 4));
            if (dimensions[i] <= 0)
            {
                throw new IdxFormatException(source,
                    $"declares dimension {i} (of {rank}) as {dimensions[i].ToString(CultureInfo.InvariantCulture)}; dimensions must be positive");
            }

            declaredBytes = declaredBytes > long.MaxValue / dimensions[i] ? long.MaxValue : declaredBytes * dimensions[i];
        }

        string shape = IdxArray.Describe(dimensions, type);
        string sizeText = declaredBytes == long.MaxValue ? $"over {Bytes(long.MaxValue)}" : Bytes(declaredBytes);
        string declared = $"declares {shape} = {sizeText} bytes";
        if (declaredBytes > limits.MaxBytes)
        {
            throw new IdxFormatException(source,
                $"{declared}, more than the limit of {Bytes(limits.MaxBytes)} bytes (IdxReadLimits.MaxBytes; raise it to read larger trusted files)");
        }

        if (dimensions[0] > limits.MaxItems)
        {
            throw new IdxFormatException(source,
                $"declares {shape}: {Bytes(dimensions[0])} items, more than the limit of {Bytes(limits.MaxItems)} items (IdxReadLimits.MaxItems; raise it to read larger trusted files)");
        }

        long dataBytes = declaredBytes;
        long count = dataBytes / elementSize;
        long headerBytes = 4L + rank * 4L;
        if (compressedLength is { } stored && headerBytes + dataBytes > stored * (long)MaxGzipExpansion)
        {
            throw new IdxFormatException(source,
                $"{declared}, but its {Bytes(stored)} gzip-compressed bytes can decompress to at most {Bytes(stored * MaxGzipExpansion)} (deflate expands at most {MaxGzipExpansion}:1)");
        }

        if (plainLength is { } total && total - headerBytes != dataBytes)
        {
            throw new IdxFormatException(source, $"{declared} but holds {Bytes(total - headerBytes)}");
        }

        bool allocateDeclared = plainLength is not null || (compressedLength is not null && dataBytes <= PreallocateBytesLimit);
        var (values, present) = type switch
        {
            IdxElementType.UnsignedByte => ReadValues<byte>(stream, count, allocateDeclared),
            IdxElementType.SignedByte => ReadValues<sbyte>(stream, count, allocateDeclared),
            IdxElementType.Int16 => ReadValues<short>(stream, count, allocateDeclared),
            IdxElementType.Int32 => ReadValues<int>(stream, count, allocateDeclared),
            IdxElementType.Single => ReadValues<float>(stream, count, allocateDeclared),
            _ => ReadValues<double>(stream, count, allocateDeclared),
        };

        if (present != dataBytes)
        {
            string shrank = plainLength is null ? "" : " (the file shrank while being read)";
            throw new IdxFormatException(source, $"{declared} but {content} holds {Bytes(present)}{shrank}");
        }

        long trailing = CountRemaining(stream);
        if (trailing > 0)
        {
            string more = trailing >= TrailingBytesCountLimit ? $"at least {Bytes(trailing)}" : Bytes(trailing);
            throw new IdxFormatException(source, $"{declared} but {content} holds {more} trailing byte(s) after them");
        }

        ToNativeOrder(values);
        return new IdxArray(source, type, dimensions, values);
    }

    /// <summary>
    /// Reads up to <paramref name="count"/> big-endian elements straight into a <typeparamref name="T"/>[] (no second
    /// copy for the conversion). With <paramref name="allocateDeclared"/> the array has the declared size from the
    /// start; otherwise it starts at 1 MiB and doubles (up to the declared size) only while data keeps arriving.
    /// </summary>
    private static (Array Values, long PresentBytes) ReadValues<T>(Stream stream, long count, bool allocateDeclared)
        where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        long capacity = allocateDeclared ? count : Math.Min(count, Math.Max(1, InitialGrowableBufferBytes / size));
        T[] buffer = GC.AllocateUninitializedArray<T>((int)capacity);
        long present = 0;
        while (true)
        {
            Span<byte> target = MemoryMarshal.AsBytes(buffer.AsSpan());
            present += ReadUpTo(stream, target[(int)present..]);
            if (present < target.Length || buffer.LongLength == count) break;
            long next = Math.Min(count, 2L * buffer.LongLength);
            var bigger = GC.AllocateUninitializedArray<T>((int)next);
            buffer.AsSpan().CopyTo(bigger);
            buffer = bigger;
        }

        return (buffer, present);
    }

    private static void ToNativeOrder(Array values)
    {
        if (!BitConverter.IsLittleEndian) return;
        switch (values)
        {
            case short[] a: BinaryPrimitives.ReverseEndianness(a, a); break;
            case int[] a: BinaryPrimitives.ReverseEndianness(a, a); break;
            case float[] a:
            {
                var bits = MemoryMarshal.Cast<float, int>(a.AsSpan());
                BinaryPrimitives.ReverseEndianness(bits, bits);
                break;
            }

            case double[] a:
            {
                var bits = MemoryMarshal.Cast<double, long>(a.AsSpan());
                BinaryPrimitives.ReverseEndianness(bits, bits);
                break;
            }
        }
    }

    private static long CountRemaining(Stream stream)
    {
        Span<byte> scratch = stackalloc byte[4096];
        long count = 0;
        while (count < TrailingBytesCountLimit)
        {
            int n = stream.Read(scratch[..(int)Math.Min(scratch.Length, TrailingBytesCountLimit - count)]);
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

    private static string Bytes(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
