using System.Buffers.Binary;
using Mnist.Data;

namespace Mnist.Tests.Data;

public sealed class IdxReaderTests
{
    public static TheoryData<IdxElementType, int, bool> EveryTypeRankAndCompression()
    {
        var data = new TheoryData<IdxElementType, int, bool>();
        foreach (var type in Enum.GetValues<IdxElementType>())
        {
            for (int rank = 1; rank <= 4; rank++)
            {
                data.Add(type, rank, false);
                data.Add(type, rank, true);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryTypeRankAndCompression))]
    public void Reads_every_element_type_and_rank_plain_and_gzip(IdxElementType type, int rank, bool gzip)
    {
        int[] dims = Enumerable.Range(0, rank).Select(d => d + 2).ToArray(); // 2, 2×3, 2×3×4, 2×3×4×5
        int count = dims.Aggregate(1, (p, d) => p * d);
        double[] values = Enumerable.Range(0, count).Select(i => SampleValue(type, i)).ToArray();
        byte[] bytes = IdxTestWriter.Write(type, dims, values);
        if (gzip) bytes = IdxTestWriter.Gzip(bytes);

        var idx = IdxReader.Read(bytes, "hand-built");

        idx.ElementType.Should().Be(type);
        idx.Dimensions.Should().Equal(dims);
        idx.Rank.Should().Be(rank);
        idx.ElementCount.Should().Be(count);
        idx.ToDoubleArray().Should().Equal(values);
        idx.Values.GetType().GetElementType().Should().Be(ExpectedClrType(type));
        idx.ShapeText.Should().Be(string.Join("×", dims) + " " + type.ShortName());
    }

    [Fact]
    public void Typed_accessors_return_the_values_and_refuse_the_wrong_type()
    {
        var idx = IdxReader.Read(IdxTestWriter.Write(IdxElementType.Int16, [3], [-300, 0, 300]), "i16 file");
        idx.GetValues<short>().Should().Equal(-300, 0, 300);
        var act = () => idx.GetBytes();
        act.Should().Throw<InvalidOperationException>().WithMessage("*'i16 file' holds i16*not Byte*");
    }

    [Fact]
    public void Big_endian_layout_is_decoded_exactly()
    {
        // 0x0D f32, rank 1, dim 2: 1.5f = 3F C0 00 00, -2f = C0 00 00 00.
        byte[] bytes = [0, 0, 0x0D, 1, 0, 0, 0, 2, 0x3F, 0xC0, 0, 0, 0xC0, 0, 0, 0];
        IdxReader.Read(bytes, "f32").GetValues<float>().Should().Equal(1.5f, -2f);
    }

    [Fact]
    public void Gzip_is_detected_from_the_bytes_not_the_file_name()
    {
        using var temp = new TempDirectory();
        byte[] content = IdxTestWriter.Bytes([4], [1, 2, 3, 4]);
        string gzNamedPlain = temp.Combine("plain-but-named.gz");
        string plainNamedGz = temp.Combine("gzip-but-named.idx");
        File.WriteAllBytes(gzNamedPlain, content);
        File.WriteAllBytes(plainNamedGz, IdxTestWriter.Gzip(content));

        IdxReader.ReadFile(gzNamedPlain).GetBytes().Should().Equal(1, 2, 3, 4);
        IdxReader.ReadFile(plainNamedGz).GetBytes().Should().Equal(1, 2, 3, 4);
    }

    [Fact]
    public void Non_seekable_streams_are_read_like_files()
    {
        byte[] gz = IdxTestWriter.Gzip(IdxTestWriter.Bytes([2, 2], [9, 8, 7, 6]));
        using var stream = new NonSeekableStream(gz);
        var idx = IdxReader.Read(stream, "pipe");
        idx.Dimensions.Should().Equal(2, 2);
        idx.GetBytes().Should().Equal(9, 8, 7, 6);

        using var truncated = new NonSeekableStream(IdxTestWriter.Bytes([2, 2], [9, 8, 7, 6])[..^1]);
        var act = () => IdxReader.Read(truncated, "pipe");
        act.Should().Throw<IdxFormatException>().WithMessage("'pipe' declares 2×2 u8 = 4 bytes but it holds 3");
    }

    [Fact]
    public void Missing_data_is_reported_with_declared_and_actual_sizes()
    {
        byte[] header = new byte[16];
        header[2] = 0x08;
        header[3] = 3;
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), 60000);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), 28);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(12), 28);
        byte[] data = new byte[1_000_000];
        new Random(60000).NextBytes(data); // incompressible, so that the gzip's length makes the claim plausible
        byte[] file = [.. header, .. data];

        var plain = () => IdxReader.Read(file, "train-images-idx3-ubyte");
        plain.Should().Throw<IdxFormatException>()
            .WithMessage("'train-images-idx3-ubyte' declares 60000×28×28 u8 = 47,040,000 bytes but holds 1,000,000")
            .Which.Source.Should().Be("train-images-idx3-ubyte");

        var gz = () => IdxReader.Read(IdxTestWriter.Gzip(file), "train-images-idx3-ubyte.gz");
        gz.Should().Throw<IdxFormatException>()
            .WithMessage("'train-images-idx3-ubyte.gz' declares 60000×28×28 u8 = 47,040,000 bytes but its decompressed content holds 1,000,000");
    }

    [Fact]
    public void Plain_file_length_is_checked_before_allocating()
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("huge-claim");
        byte[] header = [0, 0, 0x0E, 2, 0x0F, 0xFF, 0xFF, 0xFF, 0, 0, 0, 8]; // f64 268435455×8 = 17 GB
        File.WriteAllBytes(path, header);
        var act = () => IdxReader.ReadFile(path);
        act.Should().Throw<IdxFormatException>().WithMessage($"'{path}' declares 268435455×8 f64 = 17,179,869,120 bytes, more than the limit of 536,870,912 bytes*");

        byte[] fits = [0, 0, 0x08, 1, 0x10, 0, 0, 0]; // u8 268,435,456 bytes: within the largest limits, but absent
        File.WriteAllBytes(path, fits);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var missing = () => IdxReader.ReadFile(path, IdxReadLimits.Largest);
        missing.Should().Throw<IdxFormatException>().WithMessage("*declares 268435456 u8 = 268,435,456 bytes but holds 0");
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(16 << 20);
    }

    [Fact]
    public void A_gzip_with_a_forged_huge_header_fails_fast_without_allocating_the_claim()
    {
        byte[] forged = IdxTestWriter.Gzip([0, 0, 0x08, 1, 0x7F, 0xFF, 0xFF, 0x00, 1, 2, 3]); // claims ~2 GiB, holds 3
        long before = GC.GetAllocatedBytesForCurrentThread();
        var act = () => IdxReader.Read(forged, "forged.gz");
        act.Should().Throw<IdxFormatException>().WithMessage("*declares 2147483392 u8 = 2,147,483,392 bytes, more than the limit of 536,870,912 bytes*");
        var largest = () => IdxReader.Read(forged, "forged.gz", IdxReadLimits.Largest);
        largest.Should().Throw<IdxFormatException>().WithMessage("*declares 2147483392 u8 = 2,147,483,392 bytes, but its * gzip-compressed bytes can decompress to at most *");
        using var pipe = new NonSeekableStream(forged); // length unknown: the buffer grows only with the data
        var piped = () => IdxReader.Read(pipe, "forged.gz", IdxReadLimits.Largest);
        piped.Should().Throw<IdxFormatException>().WithMessage("*declares 2147483392 u8 = 2,147,483,392 bytes but its decompressed content holds 3");
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(16 << 20);
    }

    [Fact]
    public void Trailing_bytes_are_an_error_plain_and_gzip()
    {
        byte[] file = [.. IdxTestWriter.Bytes([3], [1, 2, 3]), 42, 43];
        var plain = () => IdxReader.Read(file, "labels");
        plain.Should().Throw<IdxFormatException>().WithMessage("'labels' declares 3 u8 = 3 bytes but holds 5");
        var gz = () => IdxReader.Read(IdxTestWriter.Gzip(file), "labels.gz");
        gz.Should().Throw<IdxFormatException>().WithMessage("'labels.gz' declares 3 u8 = 3 bytes but its decompressed content holds 2 trailing byte(s) after them");
    }

    [Theory]
    [InlineData(new byte[0], "'f' is empty")]
    [InlineData(new byte[] { 0, 0, 8 }, "'f' is too short for an IDX header: it has 3 byte(s)*")]
    [InlineData(new byte[] { 0x50, 0x4B, 3, 4, 0, 0 }, "'f' is not an IDX file: it starts with 504B0304 instead of a magic number 0000TTDD")]
    [InlineData(new byte[] { 0, 0, 0x07, 1, 0, 0, 0, 1, 0 }, "'f' declares element type 0x07, which is not an IDX type*")]
    [InlineData(new byte[] { 0, 0, 8, 0 }, "'f' declares 0 dimensions*")]
    [InlineData(new byte[] { 0, 0, 8, 2, 0, 0, 0, 1, 0, 0 }, "'f' ends inside its header: it declares 2 dimension(s) (8 bytes) but only 6 byte(s) follow*")]
    [InlineData(new byte[] { 0, 0, 8, 2, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFB }, "'f' declares dimension 1 (of 2) as -5; dimensions must be positive")]
    [InlineData(new byte[] { 0, 0, 8, 1, 0, 0, 0, 0 }, "'f' declares dimension 0 (of 1) as 0; dimensions must be positive")]
    [InlineData(new byte[] { 0, 0, 0x0C, 3, 0x7F, 0, 0, 0, 0x7F, 0, 0, 0, 0x7F, 0, 0, 0 }, "'f' declares 2130706432×2130706432×2130706432 i32 = over 9,223,372,036,854,775,807 bytes, more than the limit*")]
    public void Malformed_headers_throw_a_typed_exception_naming_the_problem(byte[] bytes, string message)
    {
        var act = () => IdxReader.Read(bytes, "f");
        act.Should().Throw<IdxFormatException>().WithMessage(message);
        var gz = () => IdxReader.Read(IdxTestWriter.Gzip(bytes), "f");
        gz.Should().Throw<IdxFormatException>().Which.Source.Should().Be("f");
    }

    [Fact]
    public void Corrupt_gzip_is_wrapped_in_the_typed_exception()
    {
        byte[] gz = IdxTestWriter.Gzip(IdxTestWriter.Bytes([64], Enumerable.Range(0, 64).Select(i => (byte)i).ToArray()));
        gz[^6] ^= 0xFF; // CRC-32 / length trailer

        var act = () => IdxReader.Read(gz, "bad.gz");
        act.Should().Throw<IdxFormatException>().WithMessage("'bad.gz' is not a valid gzip stream*").WithInnerException<InvalidDataException>();
    }

    [Fact]
    public void A_custom_data_limit_is_enforced()
    {
        byte[] file = IdxTestWriter.Bytes([10], new byte[10]);
        IdxReader.Read(file, "ok", new IdxReadLimits { MaxBytes = 10 }).ElementCount.Should().Be(10);
        var act = () => IdxReader.Read(file, "small", new IdxReadLimits { MaxBytes = 9 });
        act.Should().Throw<IdxFormatException>().WithMessage("'small' declares 10 u8 = 10 bytes, more than the limit of 9 bytes (IdxReadLimits.MaxBytes; raise it to read larger trusted files)");
    }

    private static double SampleValue(IdxElementType type, int i) => type switch
    {
        IdxElementType.UnsignedByte => (i * 37) % 256,
        IdxElementType.SignedByte => ((i * 37) % 256) - 128,
        IdxElementType.Int16 => (i * 4099 % 65536) - 32768,
        IdxElementType.Int32 => (i * 1_000_003L % 4_294_967_296L) - 2_147_483_648L,
        IdxElementType.Single => (float)(i * 0.1 - 3.7),
        _ => (i * 0.1) - 3.7 + 1e-12,
    };

    private static Type ExpectedClrType(IdxElementType type) => type switch
    {
        IdxElementType.UnsignedByte => typeof(byte),
        IdxElementType.SignedByte => typeof(sbyte),
        IdxElementType.Int16 => typeof(short),
        IdxElementType.Int32 => typeof(int),
        IdxElementType.Single => typeof(float),
        _ => typeof(double),
    };

    private sealed class NonSeekableStream(byte[] content) : MemoryStream(content)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
