using System.Text;
using static TorchSharp.torch;

namespace Mnist.Models.Persistence;

/// <summary>
/// Reads the table of contents of TorchSharp's weights format (<c>Module.save</c>): a LEB128 entry count, then per entry
/// the name (LEB128 length + UTF-8), the element type, the rank and dimensions (LEB128), and the raw little-endian data.
/// Used to check a file against a model before loading, so that mismatches are reported by name and shape.
/// </summary>
public static class TorchSharpWeightsFile
{
    private const int MaxEntries = 1_000_000;
    private const int MaxRank = 16;

    /// <summary>Lists the tensors of a weights stream, skipping their data; the stream must hold exactly that many bytes.</summary>
    /// <exception cref="InvalidDataException">The stream is truncated, has trailing bytes or impossible values.</exception>
    public static IReadOnlyList<WeightEntry> ReadEntries(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
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
                if (stream.CanSeek)
                {
                    if (bytes > stream.Length - stream.Position)
                        throw new InvalidDataException($"Tensor '{name}' {type} ({string.Join(", ", shape)}) needs {bytes:N0} bytes but only {stream.Length - stream.Position:N0} remain: the file is truncated.");
                    stream.Seek(bytes, SeekOrigin.Current);
                }
                else
                {
                    Skip(stream, bytes, name);
                }

                entries.Add(new WeightEntry(name, type, shape));
            }

            if (stream.CanSeek ? stream.Position != stream.Length : stream.ReadByte() != -1)
                throw new InvalidDataException("Unexpected bytes after the last tensor.");
            return entries;
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

    private static int ElementSize(ScalarType type, string name) => type switch
    {
        ScalarType.Byte or ScalarType.Int8 or ScalarType.Bool => 1,
        ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        ScalarType.Int64 or ScalarType.Float64 or ScalarType.ComplexFloat32 => 8,
        ScalarType.ComplexFloat64 => 16,
        _ => throw new InvalidDataException($"Tensor '{name}' has unsupported element type {type}."),
    };
}
