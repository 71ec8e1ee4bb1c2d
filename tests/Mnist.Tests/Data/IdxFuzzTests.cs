using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using Mnist.Data;
using Mnist.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mnist.Tests.Data;

/// <summary>
/// Property-style robustness: whatever the bytes, the reader either succeeds or throws <see cref="IdxFormatException"/>
/// (<see cref="DatasetIntegrityException"/> where integrity is checked) — never an out-of-memory, overflow or index
/// error, and never a hang. Every case is seeded, so a failure names a reproducible case.
/// </summary>
public sealed class IdxFuzzTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(60);

    private enum Mutation
    {
        BitFlips,
        Truncation,
        HugeDimensions,
        WrongMagic,
        RankChange,
        TrailingGarbage,
        GzipCorruption,
        GzipTruncation,
    }

    [Fact]
    public void Thousands_of_mutated_and_truncated_files_only_ever_yield_the_typed_exception()
    {
        var random = new Random(20240229);
        var seeds = new List<byte[]>();
        foreach (var type in Enum.GetValues<IdxElementType>())
        {
            seeds.Add(IdxTestWriter.Write(type, [3, 4], Enumerable.Range(0, 12).Select(i => (double)(i % 7)).ToArray()));
            seeds.Add(IdxTestWriter.Write(type, [5], [1, 2, 3, 4, 5]));
        }

        int successes = 0, failures = 0;
        for (int round = 0; round < 4000; round++)
        {
            byte[] seed = seeds[random.Next(seeds.Count)];
            bool gzip = random.Next(3) == 0;
            byte[] bytes = Mutate(gzip ? IdxTestWriter.Gzip(seed) : seed, random);
            var outcome = Outcome(bytes, $"case {round}");
            if (outcome) successes++;
            else failures++;
        }

        failures.Should().BeGreaterThan(1000, "most mutations break the file");
        successes.Should().BeGreaterThan(0, "some mutations only touch values");
    }

    [Fact]
    public void Every_truncation_of_a_small_file_and_sampled_truncations_of_the_real_label_file_are_typed_errors()
    {
        byte[] small = IdxTestWriter.Write(IdxElementType.Int32, [2, 3], [1, 2, 3, 4, 5, 6]);
        for (int length = 0; length < small.Length; length++)
        {
            var act = () => IdxReader.Read(small[..length], "small");
            act.Should().Throw<IdxFormatException>();
        }

        string path = Path.Combine(RepoPaths.MnistData, "train-labels-idx1-ubyte.gz");
        byte[] gz = File.ReadAllBytes(path);
        byte[] labels = IdxReader.ReadFile(path).GetBytes();
        var random = new Random(7);
        int[] cuts = [0, 1, 2, 10, 20, gz.Length / 2, gz.Length - 8, gz.Length - 4, gz.Length - 1, .. Enumerable.Range(0, 20).Select(_ => random.Next(gz.Length))];
        int typedErrors = 0;
        foreach (int cut in cuts)
        {
            try
            {
                // .NET's gzip decoder does not notice a missing 8-byte trailer (CRC-32, length) once the deflate data is
                // complete; then the content is whole and reading it must give exactly the real labels.
                IdxReader.Read(gz[..cut], "train-labels-idx1-ubyte.gz").GetBytes().Should().Equal(labels, $"a cut at {cut} that reads must be complete");
                cut.Should().BeGreaterThanOrEqualTo(gz.Length - 8);
            }
            catch (IdxFormatException ex)
            {
                ex.Source.Should().Be("train-labels-idx1-ubyte.gz");
                typedErrors++;
            }
        }

        typedErrors.Should().BeGreaterThanOrEqualTo(cuts.Length - 3);
    }

    [Fact]
    public async Task Structured_mutations_through_every_entry_point_and_limit_only_ever_yield_the_typed_exception()
    {
        // Run on a worker with a deadline, so that a hang fails the test instead of stalling the suite.
        var watch = Stopwatch.StartNew();
        var run = Task.Run(RunStructuredFuzz);
        (await Task.WhenAny(run, Task.Delay(Budget))).Should().BeSameAs(run, $"the fuzz run must finish within {Budget.TotalSeconds} s");
        var tally = await run;
        output.WriteLine($"{tally.Values.Sum(t => t.Loaded + t.Rejected)} cases in {watch.ElapsedMilliseconds} ms");
        foreach (var (mutation, (loaded, rejected)) in tally.OrderBy(t => t.Key))
        {
            output.WriteLine($"{mutation}: {loaded} loaded, {rejected} rejected");
            rejected.Should().BeGreaterThan(0, $"{mutation} mutations must be able to break a file");
        }

        tally.Should().HaveCount(Enum.GetValues<Mutation>().Length);
        tally[Mutation.BitFlips].Loaded.Should().BeGreaterThan(0, "flipping value bits of a plain file keeps it valid");
    }

    [Fact]
    public void Mutated_dataset_files_fail_integrity_checks_and_loading_only_with_the_typed_exceptions()
    {
        var random = new Random(15_15);
        using var temp = new TempDirectory();
        var synthetic = IdxTestWriter.Synthetic(6, 2, seed: 9, height: 5, width: 5);
        var descriptor = synthetic.Descriptor("fuzz");
        string labels = temp.Combine("labels");
        File.WriteAllBytes(labels, synthetic.TrainLabels);
        int passed = 0, refused = 0;
        for (int round = 0; round < 300; round++)
        {
            var mutation = (Mutation)random.Next(Enum.GetValues<Mutation>().Length);
            bool gzip = mutation is Mutation.GzipCorruption or Mutation.GzipTruncation || random.Next(2) == 0;
            byte[] bytes = Mutate(synthetic.TrainImages, mutation, gzip, random);
            string path = temp.Combine($"case-{round}");
            File.WriteAllBytes(path, bytes);
            var file = random.Next(2) == 0 ? descriptor.TrainImages : descriptor.TrainImages with { Sha256 = null };
            try
            {
                DatasetIntegrity.Verify(file, path);
                passed++;
            }
            catch (DatasetIntegrityException ex)
            {
                ex.Path.Should().Be(path);
                refused++;
            }

            try
            {
                MnistDataset.Load(path, labels).Count.Should().Be(6);
            }
            catch (IdxFormatException ex)
            {
                ex.Message.Should().Contain(path, $"round {round} ({mutation})");
            }
        }

        output.WriteLine($"integrity: {passed} passed, {refused} refused");
        refused.Should().BeGreaterThan(200);
    }

    private static Dictionary<Mutation, (int Loaded, int Rejected)> RunStructuredFuzz()
    {
        var random = new Random(15);
        var seeds = new List<byte[]>();
        foreach (var type in Enum.GetValues<IdxElementType>())
        {
            seeds.Add(IdxTestWriter.Write(type, [2, 3, 4], Enumerable.Range(0, 24).Select(i => (double)(i % 11)).ToArray()));
            seeds.Add(IdxTestWriter.Write(type, [7], [1, 2, 3, 4, 5, 6, 7]));
        }

        seeds.Add(IdxTestWriter.Synthetic(3, 1, seed: 4, height: 6, width: 6).TrainImages);
        IdxReadLimits[] limits = [IdxReadLimits.Default, IdxReadLimits.Largest, new() { MaxBytes = 64, MaxItems = 4 }];
        var tally = new Dictionary<Mutation, (int Loaded, int Rejected)>();
        int mutations = Enum.GetValues<Mutation>().Length;
        for (int round = 0; round < 40_000; round++)
        {
            var mutation = (Mutation)(round % mutations);
            byte[] seed = seeds[random.Next(seeds.Count)];
            bool gzip = mutation is Mutation.GzipCorruption or Mutation.GzipTruncation || random.Next(2) == 0;
            byte[] bytes = Mutate(seed, mutation, gzip, random);
            var limit = limits[random.Next(limits.Length)];
            int entry = random.Next(3);
            string name = $"case {round} ({mutation}, {(gzip ? "gzip" : "plain")}, entry {entry}, limits {limit})";
            bool loaded;
            try
            {
                IdxArray idx = entry switch
                {
                    0 => IdxReader.Read(bytes, name, limit),
                    1 => IdxReader.Read(new MemoryStream(bytes, writable: false), name, limit),
                    _ => IdxReader.Read(new PipeStream(bytes), name, limit),
                };
                idx.ElementCount.Should().Be(idx.Dimensions.Aggregate(1L, (p, d) => p * d), name);
                idx.Values.Length.Should().Be((int)idx.ElementCount, name);
                loaded = true;
            }
            catch (IdxFormatException ex)
            {
                ex.Message.Should().StartWith($"'{name}' ");
                ex.Source.Should().Be(name);
                loaded = false;
            }
            catch (Exception ex)
            {
                throw new Xunit.Sdk.XunitException($"{name} threw {ex.GetType().Name} instead of IdxFormatException: {ex}");
            }

            var (l, r) = tally.GetValueOrDefault(mutation);
            tally[mutation] = loaded ? (l + 1, r) : (l, r + 1);
        }

        return tally;
    }

    /// <summary>Applies one kind of mutation to <paramref name="idx"/> (gzip-compressing it first when asked).</summary>
    private static byte[] Mutate(byte[] idx, Mutation mutation, bool gzip, Random random)
    {
        byte[] content = (byte[])idx.Clone();
        int rank = content[3];
        switch (mutation)
        {
            case Mutation.BitFlips:
                for (int i = 0, n = 1 + random.Next(3); i < n; i++)
                {
                    int at = random.Next(content.Length);
                    content[at] ^= (byte)(1 << random.Next(8));
                }

                break;
            case Mutation.Truncation:
                content = content[..random.Next(content.Length)];
                break;
            case Mutation.HugeDimensions:
            {
                int[] huge = [int.MaxValue, int.MinValue, -1, 0, 0x7FFFFFC7, 1 << 30, 2_700_000, 65_536, random.Next()];
                for (int i = 0, n = 1 + random.Next(rank); i < n; i++)
                {
                    int d = random.Next(rank);
                    BinaryPrimitives.WriteInt32BigEndian(content.AsSpan(4 + (4 * d)), huge[random.Next(huge.Length)]);
                }

                break;
            }

            case Mutation.WrongMagic:
                content[random.Next(3)] = (byte)random.Next(1, 256);
                break;
            case Mutation.RankChange:
                content[3] = (byte)random.Next(256);
                break;
            case Mutation.TrailingGarbage:
                content = [.. content, .. Enumerable.Range(0, random.Next(1, 64)).Select(_ => (byte)random.Next(256))];
                break;
        }

        if (!gzip) return content;
        byte[] gz = IdxTestWriter.Gzip(content);
        switch (mutation)
        {
            case Mutation.GzipCorruption:
                for (int i = 0, n = 1 + random.Next(4); i < n; i++)
                {
                    int at = random.Next(gz.Length);
                    if (random.Next(2) == 0) gz[at] ^= (byte)(1 << random.Next(8));
                    else gz[at] = (byte)random.Next(256);
                }

                return random.Next(4) == 0 ? [.. gz, .. IdxTestWriter.Gzip(content)] : gz; // sometimes a second member
            case Mutation.GzipTruncation:
                return gz[..random.Next(gz.Length)];
            default:
                return gz;
        }
    }

    private static bool Outcome(byte[] bytes, string name)
    {
        try
        {
            var idx = IdxReader.Read(bytes, name);
            idx.ElementCount.Should().Be(idx.Dimensions.Aggregate(1L, (p, d) => p * d));
            return true;
        }
        catch (IdxFormatException ex)
        {
            ex.Message.Should().StartWith($"'{name}' ");
            return false;
        }
    }

    private static byte[] Mutate(byte[] input, Random random)
    {
        var bytes = input.ToList();
        int edits = 1 + random.Next(4);
        for (int e = 0; e < edits; e++)
        {
            switch (random.Next(5))
            {
                case 0 when bytes.Count > 0: bytes[random.Next(bytes.Count)] = (byte)random.Next(256); break;
                case 1 when bytes.Count > 0: bytes[random.Next(Math.Min(bytes.Count, 16))] ^= (byte)(1 << random.Next(8)); break;
                case 2:
                {
                    int cut = random.Next(bytes.Count + 1);
                    bytes.RemoveRange(cut, bytes.Count - cut);
                    break;
                }

                case 3: bytes.Insert(random.Next(bytes.Count + 1), (byte)random.Next(256)); break;
                default: bytes.AddRange(Enumerable.Range(0, random.Next(1, 8)).Select(_ => (byte)random.Next(256))); break;
            }
        }

        return [.. bytes];
    }

    /// <summary>A read-only stream without length or seeking, like a pipe or a network response.</summary>
    private sealed class PipeStream(byte[] content) : Stream
    {
        private readonly MemoryStream _inner = new(content, writable: false);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 7)); // short reads

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
