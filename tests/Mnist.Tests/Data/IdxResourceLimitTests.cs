using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using Mnist.Data;
using Xunit.Abstractions;

namespace Mnist.Tests.Data;

/// <summary>
/// Regression tests for IDX memory bombs (issue 15): every size an IDX header declares is bounded before memory is
/// allocated, and a truncated file never costs its declared size. Memory is measured as the bytes the process allocated
/// while reading (tests do not run in parallel) and as the growth of the peak working set.
/// </summary>
public sealed class IdxResourceLimitTests(ITestOutputHelper output)
{
    private const int BombImages = 2_700_000; // × 28 × 28 = 2,116,800,000 bytes declared
    private const long MemoryBound = 300L << 20;
    private static readonly TimeSpan TimeBound = TimeSpan.FromSeconds(5);

    [Fact]
    public void A_gzip_bomb_claiming_2_7_million_images_is_rejected_within_seconds_with_bounded_memory()
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("train-images-idx3-ubyte.gz");
        File.WriteAllBytes(path, BombContent(randomBytes: 3 << 20, zeroBytes: 29 << 20, gzip: true));
        output.WriteLine($"bomb: {new FileInfo(path).Length:N0} bytes gzip, 32 MiB of data, header claims {BombImages:N0}×28×28");

        // Default limits: refused from the header alone, naming the file, the declared size and the limit.
        var byDefault = Measure("default limits", () => IdxReader.ReadFile(path));
        byDefault.Exception.Message.Should().Be(
            $"'{path}' declares 2700000×28×28 u8 = 2,116,800,000 bytes, more than the limit of 536,870,912 bytes (IdxReadLimits.MaxBytes; raise it to read larger trusted files)");
        byDefault.Allocated.Should().BeLessThan(16L << 20);

        // Even with the largest limits the claim is plausible for a ~3 MB gzip (≤ 1032:1), yet the reader only ever
        // holds about what the file really contains (32 MiB, in a buffer doubling to 64 MiB), not 2.1 GB.
        var largest = Measure("largest limits", () => IdxReader.ReadFile(path, IdxReadLimits.Largest));
        largest.Exception.Message.Should().Be(
            $"'{path}' declares 2700000×28×28 u8 = 2,116,800,000 bytes but its decompressed content holds 33,554,432");
        largest.Allocated.Should().BeLessThan(MemoryBound);
        largest.PeakWorkingSetGrowth.Should().BeLessThan(MemoryBound);

        // Through the dataset API as well.
        string labels = temp.Combine("train-labels-idx1-ubyte");
        File.WriteAllBytes(labels, IdxTestWriter.Bytes([3], [1, 2, 3]));
        var load = Measure("MnistDataset.Load", () => MnistDataset.Load(path, labels));
        load.Exception.Message.Should().Contain("more than the limit of 536,870,912 bytes");
        load.Allocated.Should().BeLessThan(16L << 20);
    }

    [Fact]
    public void A_plain_file_with_a_forged_huge_header_is_rejected_before_its_claim_is_allocated()
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("train-images-idx3-ubyte");
        byte[] content = BombContent(randomBytes: 3 << 20, zeroBytes: 0, gzip: false);
        File.WriteAllBytes(path, content);

        var byDefault = Measure("plain, default limits", () => IdxReader.ReadFile(path));
        byDefault.Exception.Message.Should().Contain("declares 2700000×28×28 u8 = 2,116,800,000 bytes, more than the limit of 536,870,912 bytes");
        byDefault.Allocated.Should().BeLessThan(16L << 20);

        var largest = Measure("plain, largest limits", () => IdxReader.ReadFile(path, IdxReadLimits.Largest));
        largest.Exception.Message.Should().Be($"'{path}' declares 2700000×28×28 u8 = 2,116,800,000 bytes but holds 3,145,728");
        largest.Allocated.Should().BeLessThan(16L << 20, "a plain file's length is compared before anything is allocated");

        // A pipe (no length known) grows its buffer with the data that arrives.
        using var pipe = new NonSeekableStream(content);
        var piped = Measure("plain pipe, largest limits", () => IdxReader.Read(pipe, "pipe", IdxReadLimits.Largest));
        piped.Exception.Message.Should().Be("'pipe' declares 2700000×28×28 u8 = 2,116,800,000 bytes but it holds 3,145,728");
        piped.Allocated.Should().BeLessThan(64L << 20);
    }

    [Fact]
    public void A_gzip_claiming_more_than_deflate_can_produce_from_its_length_is_rejected_at_once()
    {
        byte[] header = [0, 0, 0x08, 1, 0, 0, 0, 0];
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), 200_000_000);
        byte[] gz = IdxTestWriter.Gzip([.. header, .. new byte[1000]]);

        var result = Measure("implausible gzip", () => IdxReader.Read(gz, "labels.gz", IdxReadLimits.Largest));
        result.Exception.Message.Should().Be(
            $"'labels.gz' declares 200000000 u8 = 200,000,000 bytes, but its {gz.Length:N0} gzip-compressed bytes can decompress to at most {gz.Length * 1032L:N0} (deflate expands at most 1032:1)");
        result.Allocated.Should().BeLessThan(1L << 20);
    }

    [Fact]
    public void The_deflate_expansion_bound_holds_for_the_most_compressible_content()
    {
        byte[] zeros = new byte[64 << 20];
        foreach (var level in new[] { CompressionLevel.Optimal, CompressionLevel.SmallestSize, CompressionLevel.Fastest })
        {
            using var buffer = new MemoryStream();
            using (var gz = new GZipStream(buffer, level, leaveOpen: true)) gz.Write(zeros);
            (buffer.Length * (long)IdxReader.MaxGzipExpansion).Should().BeGreaterThan(zeros.Length, $"at {level}");
            output.WriteLine($"{level}: 64 MiB of zeros → {buffer.Length:N0} bytes, ratio {zeros.Length / (double)buffer.Length:F0}:1");
        }
    }

    [Fact]
    public void Item_and_byte_limits_are_exact_and_can_be_raised()
    {
        byte[] images = IdxTestWriter.Bytes([1000, 28, 28], new byte[784_000]);
        IdxReader.Read(images, "images", new IdxReadLimits { MaxBytes = 784_000, MaxItems = 1000 }).ElementCount.Should().Be(784_000);
        FluentActions.Invoking(() => IdxReader.Read(images, "images", new IdxReadLimits { MaxBytes = 783_999 }))
            .Should().Throw<IdxFormatException>()
            .WithMessage("'images' declares 1000×28×28 u8 = 784,000 bytes, more than the limit of 783,999 bytes (IdxReadLimits.MaxBytes*");
        FluentActions.Invoking(() => IdxReader.Read(images, "images", new IdxReadLimits { MaxItems = 999 }))
            .Should().Throw<IdxFormatException>()
            .WithMessage("'images' declares 1000×28×28 u8: 1,000 items, more than the limit of 999 items (IdxReadLimits.MaxItems*");

        // A legitimate label file over the default item limit (2,000,000 > 1,048,576) loads once the limit is raised.
        var random = new Random(15);
        byte[] values = new byte[2_000_000];
        for (int i = 0; i < values.Length; i++) values[i] = (byte)random.Next(10);
        byte[] gz = IdxTestWriter.Gzip(IdxTestWriter.Bytes([values.Length], values));
        FluentActions.Invoking(() => IdxReader.Read(gz, "many-labels.gz"))
            .Should().Throw<IdxFormatException>().WithMessage("*2,000,000 items, more than the limit of 1,048,576 items*");
        var raised = new IdxReadLimits { MaxItems = 2_000_000 };
        IdxReader.Read(gz, "many-labels.gz", raised).GetBytes().Should().Equal(values);
    }

    [Fact]
    public void Large_legitimate_gzip_files_above_the_preallocation_size_load_through_the_growing_buffer()
    {
        // 96 MiB declared (above the 64 MiB one-piece allocation) as 96 items of 1024×1024, every byte present: loads exactly.
        byte[] header = [0, 0, 0x08, 3, 0, 0, 0, 96, 0, 0, 4, 0, 0, 0, 4, 0];
        byte[] data = new byte[96 << 20];
        for (int i = 0; i < data.Length; i += 4096) data[i] = (byte)(i / 4096);
        byte[] gz = IdxTestWriter.Gzip([.. header, .. data]);

        var watch = Stopwatch.StartNew();
        var idx = IdxReader.Read(gz, "big.gz");
        output.WriteLine($"96 MiB from a {gz.Length:N0}-byte gzip in {watch.ElapsedMilliseconds} ms");
        idx.Dimensions.Should().Equal(96, 1024, 1024);
        idx.GetBytes().AsSpan().SequenceEqual(data).Should().BeTrue();
    }

    [Fact]
    public void Limits_are_validated_where_they_are_used()
    {
        FluentActions.Invoking(() => new IdxReadLimits { MaxBytes = 0 }.Validate()).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("MaxBytes");
        FluentActions.Invoking(() => new IdxReadLimits { MaxBytes = Array.MaxLength + 1L }.Validate()).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("MaxBytes");
        FluentActions.Invoking(() => new IdxReadLimits { MaxItems = -1 }.Validate()).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("MaxItems");
        byte[] file = IdxTestWriter.Bytes([10], new byte[10]);
        FluentActions.Invoking(() => IdxReader.Read(file, "file", new IdxReadLimits { MaxItems = 0 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("MaxItems");
        IdxReadLimits.Default.Should().NotBeSameAs(IdxReadLimits.Default, "the catalogue hands out fresh copies");
        var changed = IdxReadLimits.Default;
        changed.MaxBytes = 1;
        IdxReadLimits.Default.MaxBytes.Should().Be(IdxReadLimits.DefaultMaxBytes, "changing a copy does not change the defaults");
        IdxReadLimits.Default.MaxBytes.Should().Be(512L << 20);
        IdxReadLimits.Default.MaxItems.Should().Be(1 << 20);
        IdxReadLimits.Largest.MaxBytes.Should().Be(Array.MaxLength);
        IdxReadLimits.Default.ToString().Should().Be("at most 1,048,576 items and 536,870,912 bytes");
    }

    [Fact]
    public async Task LoadSplits_passes_the_limits_to_every_file()
    {
        using var temp = new TempDirectory();
        var synthetic = IdxTestWriter.Synthetic(40, 10, seed: 3);
        synthetic.WriteTo(temp.Path, gzip: true);
        var descriptor = synthetic.Descriptor("limits");

        MnistDataset.LoadSplits(descriptor, temp.Path).Train.Count.Should().Be(40);
        var act = () => MnistDataset.LoadSplits(descriptor, temp.Path, limits: new IdxReadLimits { MaxItems = 39 });
        act.Should().Throw<IdxFormatException>()
            .WithMessage($"'{temp.Combine("train-images-idx3-ubyte.gz")}' declares 40×28×28 u8: 40 items, more than the limit of 39 items*");
        var loadAsync = () => MnistDataset.LoadSplitsAsync(descriptor, temp.Path, limits: new IdxReadLimits { MaxBytes = 40 * 784 - 1 });
        await loadAsync.Should().ThrowAsync<IdxFormatException>().WithMessage("*more than the limit of 31,359 bytes*");
    }

    [Fact]
    public void Integrity_checks_stop_reading_a_decompression_bomb_at_the_expected_size()
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("t10k-labels-idx1-ubyte.gz");
        byte[] labels = IdxTestWriter.Bytes([100], new byte[100]);
        using (var file = File.Create(path))
        using (var gz = new GZipStream(file, CompressionLevel.Fastest))
        {
            gz.Write(labels);
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 256; i++) gz.Write(zeros); // 256 MiB of trailing zeros, a few hundred KB compressed
        }

        var withHash = new DatasetFile { FileName = "t10k-labels-idx1-ubyte", Dimensions = [100], Sha256 = IdxTestWriter.Sha256(labels) };
        var watch = Stopwatch.StartNew();
        DatasetIntegrity.FindProblem(withHash, path).Should().Be($"the uncompressed content of '{path}' is longer than the expected 108 bytes");
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(1));

        var shapeOnly = withHash with { Sha256 = null };
        DatasetIntegrity.FindProblem(shapeOnly, path).Should().Be($"'{path}' declares 100 u8 = 100 bytes but its decompressed content holds at least 1,048,576 trailing byte(s) after them");

        string forged = temp.Combine("forged");
        File.WriteAllBytes(forged, BombContent(randomBytes: 1000, zeroBytes: 0, gzip: false));
        var images = new DatasetFile { FileName = "forged", Dimensions = [10000, 28, 28] };
        DatasetIntegrity.FindProblem(images, forged).Should().Contain("declares 2700000×28×28 u8 = 2,116,800,000 bytes, more than the limit of 7,840,000 bytes");
        FluentActions.Invoking(() => DatasetIntegrity.Verify(images, forged)).Should().Throw<DatasetIntegrityException>();
    }

    /// <summary>An IDX image header claiming <see cref="BombImages"/>×28×28, then seeded random bytes and zeros.</summary>
    private static byte[] BombContent(int randomBytes, int zeroBytes, bool gzip)
    {
        byte[] content = new byte[16 + randomBytes + zeroBytes];
        content[2] = 0x08;
        content[3] = 3;
        BinaryPrimitives.WriteInt32BigEndian(content.AsSpan(4), BombImages);
        BinaryPrimitives.WriteInt32BigEndian(content.AsSpan(8), 28);
        BinaryPrimitives.WriteInt32BigEndian(content.AsSpan(12), 28);
        new Random(2_700_000).NextBytes(content.AsSpan(16, randomBytes));
        if (!gzip) return content;
        using var buffer = new MemoryStream();
        using (var gz = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(content);
        return buffer.ToArray();
    }

    private Measurement Measure(string label, Action read)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        long peakBefore = process.PeakWorkingSet64;
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        Exception? caught = null;
        try
        {
            read();
        }
        catch (Exception ex)
        {
            caught = ex;
        }

        watch.Stop();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        process.Refresh();
        long peakGrowth = process.PeakWorkingSet64 - peakBefore;
        output.WriteLine($"{label}: {watch.Elapsed.TotalMilliseconds:F0} ms, allocated {allocated / 1048576.0:F1} MiB, peak working set +{peakGrowth / 1048576.0:F1} MiB: {caught?.Message}");
        caught.Should().BeOfType<IdxFormatException>();
        watch.Elapsed.Should().BeLessThan(TimeBound);
        return new Measurement((IdxFormatException)caught!, allocated, peakGrowth);
    }

    private sealed record Measurement(IdxFormatException Exception, long Allocated, long PeakWorkingSetGrowth);

    private sealed class NonSeekableStream(byte[] content) : MemoryStream(content)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
