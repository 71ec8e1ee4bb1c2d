using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using Mnist.Data;

namespace Mnist.Tests.Data;

/// <summary>A tiny, independent IDX writer for tests: header, big-endian dimensions, big-endian values.</summary>
internal static class IdxTestWriter
{
    public static byte[] Write(IdxElementType type, int[] dimensions, double[] values)
    {
        int size = type switch
        {
            IdxElementType.UnsignedByte or IdxElementType.SignedByte => 1,
            IdxElementType.Int16 => 2,
            IdxElementType.Int32 or IdxElementType.Single => 4,
            _ => 8,
        };
        var bytes = new byte[4 + (4 * dimensions.Length) + (values.Length * size)];
        bytes[2] = (byte)type;
        bytes[3] = (byte)dimensions.Length;
        for (int d = 0; d < dimensions.Length; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + (4 * d)), dimensions[d]);
        int offset = 4 + (4 * dimensions.Length);
        foreach (double v in values)
        {
            var span = bytes.AsSpan(offset, size);
            switch (type)
            {
                case IdxElementType.UnsignedByte: span[0] = (byte)v; break;
                case IdxElementType.SignedByte: span[0] = unchecked((byte)(sbyte)v); break;
                case IdxElementType.Int16: BinaryPrimitives.WriteInt16BigEndian(span, (short)v); break;
                case IdxElementType.Int32: BinaryPrimitives.WriteInt32BigEndian(span, (int)v); break;
                case IdxElementType.Single: BinaryPrimitives.WriteSingleBigEndian(span, (float)v); break;
                default: BinaryPrimitives.WriteDoubleBigEndian(span, v); break;
            }

            offset += size;
        }

        return bytes;
    }

    public static byte[] Bytes(int[] dimensions, byte[] values) => Write(IdxElementType.UnsignedByte, dimensions, values.Select(v => (double)v).ToArray());

    public static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true)) gz.Write(content);
        return output.ToArray();
    }

    public static string Sha256(byte[] content) => Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant();

    /// <summary>A small synthetic MNIST-format dataset (images with a distinct pattern per sample), as uncompressed IDX files.</summary>
    public static SyntheticDataset Synthetic(int trainCount, int testCount, int seed, int height = 28, int width = 28)
    {
        var random = new Random(seed);
        (byte[] Images, byte[] Labels) Split(int count)
        {
            var pixels = new byte[count * height * width];
            random.NextBytes(pixels);
            var labels = Enumerable.Range(0, count).Select(_ => (byte)random.Next(10)).ToArray();
            return (Bytes([count, height, width], pixels), Bytes([count], labels));
        }

        var train = Split(trainCount);
        var test = Split(testCount);
        return new SyntheticDataset(train.Images, train.Labels, test.Images, test.Labels, trainCount, testCount, height, width);
    }
}
