using System.Text;
using static TorchSharp.torch;

namespace Mnist.Models;

/// <summary>
/// Reads the table of contents of TorchSharp's weights format (<c>Module.save</c>): a LEB128 entry count, then per entry
/// the name (LEB128 length + UTF-8), the element type, the rank and dimensions (LEB128), and the raw little-endian data.
/// Used to check a file against a model before loading, so that mismatches are reported by name and shape.
/// </summary>
internal static class TorchSharpWeightsFile
{
    private const int MaxEntries = 1_000_000;
    private const int MaxRank = 16;

    /// <summary>Lists the tensors of a weights stream, skipping their data; the stream must hold exactly that many bytes.</summary>
    /// <exception cref="InvalidDataException">The stream is truncated, has trailing bytes or impossible values.</exception>
    public static IReadOnlyList<WeightEntry> ReadEntries(Stream stream) => ReadIndex(stream, scanValues: false).Entries;

    /// <summary>
    /// The exact size of a weights file holding <paramref name="tensors"/> in this order: the entry count, each header
    /// (name, type code, rank, dimensions) and the raw data.
    /// </summary>
    /// <exception cref="OverflowException">The size does not fit a 64-bit count.</exception>
    internal static long ExactSize(IEnumerable<(string Name, ScalarType DataType, long[] Shape)> tensors)
    {
        long size = 0, count = 0;
        foreach (var (name, type, shape) in tensors)
        {
            count++;
            int nameBytes = Encoding.UTF8.GetByteCount(name);
            size = checked(size + VarIntSize(nameBytes) + nameBytes + VarIntSize((long)type) + VarIntSize(shape.Length));
            long elements = 1;
            foreach (var d in shape)
            {
                size = checked(size + VarIntSize(d));
                elements = checked(elements * d);
            }

            size = checked(size + elements * ElementSize(type, name));
        }

        return checked(size + VarIntSize(count));
    }

    private static int VarIntSize(long value)
    {
        int bytes = 1;
        for (ulong v = (ulong)value; v >= 0x80; v >>= 7) bytes++;
        return bytes;
    }

    /// <summary>
    /// Lists the tensors like <see cref="ReadEntries"/>; with <paramref name="scanValues"/> it also reads the data of every
    /// floating-point tensor and reports the first value that is NaN or infinite, or negative in a batch-norm
    /// <c>running_var</c>, so that a poisoned file can be refused before anything is loaded.
    /// </summary>
    /// <exception cref="InvalidDataException">The stream is truncated, has trailing bytes or impossible values.</exception>
    internal static WeightsIndex ReadIndex(Stream stream, bool scanValues)
    {
        ArgumentNullException.ThrowIfNull(stream);
        WeightValueProblem? problem = null;
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            long count = reader.Read7BitEncodedInt64();
            if (count < 0 || count > MaxEntries) throw new InvalidDataException($"Implausible tensor count {count}.");
            var entries = new List<WeightEntry>((int)Math.Min(count, 4096));
            for (long i = 0; i < count; i++)
            {
                string name = reader.ReadString();
                long typeCode = reader.Read7BitEncodedInt64();
                if (!Enum.IsDefined(typeof(ScalarType), (sbyte)typeCode) || typeCode is < 0 or > 127)
                    throw new InvalidDataException($"Tensor '{name}' has unknown element type code {typeCode}.");
                var type = (ScalarType)(sbyte)typeCode;
                long rank = reader.Read7BitEncodedInt64();
                if (rank < 0 || rank > MaxRank) throw new InvalidDataException($"Tensor '{name}' has implausible rank {rank}.");
                var shape = new long[rank];
                long elements = 1;
                for (int d = 0; d < rank; d++)
                {
                    shape[d] = reader.Read7BitEncodedInt64();
                    if (shape[d] < 0) throw new InvalidDataException($"Tensor '{name}' has a negative dimension.");
                    elements = checked(elements * shape[d]);
                }

                long bytes = checked(elements * ElementSize(type, name));
                var entry = new WeightEntry(name, type, shape);
                if (stream.CanSeek && bytes > stream.Length - stream.Position)
                    throw new InvalidDataException($"Tensor '{name}' {type} ({string.Join(", ", shape)}) needs {bytes:N0} bytes but only {stream.Length - stream.Position:N0} remain: the file is truncated.");
                if (scanValues && problem is null && IsFloatingPoint(type))
                    problem = Scan(stream, bytes, entry);
                else if (stream.CanSeek)
                    stream.Seek(bytes, SeekOrigin.Current);
                else
                    Skip(stream, bytes, name);

                entries.Add(entry);
            }

            if (stream.CanSeek ? stream.Position != stream.Length : stream.ReadByte() != -1)
                throw new InvalidDataException("Unexpected bytes after the last tensor.");
            return new WeightsIndex(entries, problem);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException("The file ends in the middle of a tensor header: it is truncated.", ex);
        }
        catch (FormatException ex)
        {
            throw new InvalidDataException("A length or name is malformed: " + ex.Message, ex);
        }
        catch (OverflowException ex)
        {
            throw new InvalidDataException("A tensor size overflows: " + ex.Message, ex);
        }
    }

    private static bool IsFloatingPoint(ScalarType type) => type is ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16;

    /// <summary>Reads a tensor's data and returns its first non-finite value (or negative variance), or <see langword="null"/>.</summary>
    private static WeightValueProblem? Scan(Stream stream, long bytes, WeightEntry entry)
    {
        bool variance = entry.Name.EndsWith("running_var", StringComparison.Ordinal);
        int size = ElementSize(entry.DataType, entry.Name);
        var buffer = new byte[81920]; // a multiple of every element size, so every chunk holds whole elements
        WeightValueProblem? problem = null;
        long index = 0;
        while (bytes > 0)
        {
            int chunk = (int)Math.Min(buffer.Length, bytes);
            try
            {
                stream.ReadExactly(buffer, 0, chunk);
            }
            catch (EndOfStreamException ex)
            {
                throw new InvalidDataException($"Tensor '{entry.Name}' is cut short: the file is truncated.", ex);
            }

            bytes -= chunk;
            if (problem is not null) continue;
            ReadOnlySpan<byte> data = buffer.AsSpan(0, chunk);
            int bad = entry.DataType switch
            {
                ScalarType.Float32 => FirstBad(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(data), variance, static v => v),
                ScalarType.Float64 => FirstBad(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(data), variance, static v => v),
                ScalarType.Float16 => FirstBad(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(data), variance, static v => (double)v),
                _ => FirstBad(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(data), variance, static v => BitConverter.Int32BitsToSingle(v << 16)), // bfloat16
            };
            if (bad >= 0)
            {
                double value = entry.DataType switch
                {
                    ScalarType.Float32 => BitConverter.ToSingle(data.Slice(bad * 4, 4)),
                    ScalarType.Float64 => BitConverter.ToDouble(data.Slice(bad * 8, 8)),
                    ScalarType.Float16 => (double)BitConverter.ToHalf(data.Slice(bad * 2, 2)),
                    _ => BitConverter.Int32BitsToSingle(BitConverter.ToUInt16(data.Slice(bad * 2, 2)) << 16),
                };
                string what = double.IsNaN(value) ? "NaN" : double.IsPositiveInfinity(value) ? "+Infinity" : double.IsNegativeInfinity(value) ? "-Infinity" : "a negative variance";
                problem = new WeightValueProblem(entry, index + bad, value, what);
            }

            index += chunk / size;
        }

        return problem;
    }

    /// <summary>Index of the first value that is not finite (or, for a variance, negative), or −1.</summary>
    private static int FirstBad<T>(ReadOnlySpan<T> values, bool variance, Func<T, double> toDouble)
    {
        for (int i = 0; i < values.Length; i++)
        {
            double v = toDouble(values[i]);
            if (!double.IsFinite(v) || (variance && v < 0)) return i;
        }

        return -1;
    }

    private static void Skip(Stream stream, long bytes, string name)
    {
        var buffer = new byte[81920];
        while (bytes > 0)
        {
            int read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, bytes));
            if (read == 0) throw new InvalidDataException($"Tensor '{name}' is cut short: the file is truncated.");
            bytes -= read;
        }
    }

    internal static int ElementSize(ScalarType type, string name) => type switch
    {
        ScalarType.Byte or ScalarType.Int8 or ScalarType.Bool => 1,
        ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        ScalarType.Int64 or ScalarType.Float64 or ScalarType.ComplexFloat32 => 8,
        ScalarType.ComplexFloat64 => 16,
        _ => throw new InvalidDataException($"Tensor '{name}' has unsupported element type {type}."),
    };
}

/// <summary>The tensors of a weights file and the first poisoned value found, if the values were scanned.</summary>
/// <param name="Entries">The tensors in file order.</param>
/// <param name="FirstBadValue">The first NaN, infinite value or negative variance, or <see langword="null"/>.</param>
internal sealed record WeightsIndex(IReadOnlyList<WeightEntry> Entries, WeightValueProblem? FirstBadValue);

/// <summary>A value that must not be loaded.</summary>
/// <param name="Entry">The tensor.</param>
/// <param name="Index">Flat index of the value within the tensor.</param>
/// <param name="Value">The value.</param>
/// <param name="What">"NaN", "+Infinity", "-Infinity" or "a negative variance".</param>
internal sealed record WeightValueProblem(WeightEntry Entry, long Index, double Value, string What)
{
    /// <summary>E.g. <c>tensor 'dense_1.weight' (10, 784) holds NaN at element 17</c>.</summary>
    public string Describe() => $"tensor '{Entry.Name}' {Entry.ShapeText} holds {What} at element {Index:N0}";
}
