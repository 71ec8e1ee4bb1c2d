using Mnist.Data.Idx;
using Mnist.Tests.Infrastructure;

namespace Mnist.Tests.Data;

/// <summary>Property-style robustness: whatever the bytes, the reader either succeeds or throws <see cref="IdxFormatException"/>.</summary>
public sealed class IdxFuzzTests
{
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
}
