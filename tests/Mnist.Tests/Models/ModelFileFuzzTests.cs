using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Mnist.Models;
using Mnist.Tests.Data;
using Xunit.Abstractions;

namespace Mnist.Tests.Models;

/// <summary>
/// Property-style robustness of whole-model files: whatever seeded mutation is applied to a small saved model (bit flips
/// and truncation of the zip, hostile JSON values, deleted, duplicated and extra entries, rewritten weight bytes), loading
/// either succeeds or throws <see cref="ModelFileException"/>, each case within a few seconds.
/// </summary>
public sealed class ModelFileFuzzTests : IDisposable
{
    private static readonly JsonNode?[] HostileValues =
    [
        2147483647, 2147483648L, -2147483648, -1, 0, 1, 3, 1_000_000_000, 9_999_999_999_999L, 1e30, -1e30, 0.5, double.Epsilon,
        "abc", "", "NaN", "Infinity", "-1", "99999999999999999999", "ReLU", "Same", "Softmax", true, false, null,
        new JsonArray(), new JsonObject(), new JsonArray(1, 100000, 100000), new JsonArray(2147483647, 2147483647, 2147483647),
    ];

    private readonly TempDirectory _temp = new();
    private readonly ITestOutputHelper _output;

    public ModelFileFuzzTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Seeded_mutations_of_a_saved_model_only_ever_load_or_throw_ModelFileException()
    {
        string original = _temp.Combine("original.mnistmodel");
        using (var model = Sequential.Input(1, 12, 12).Normalize(33f, 78f).Conv2D(3, 3, Activation.ReLU, ConvPadding.Same).BatchNorm(momentum: 0.9).MaxPool2D()
                   .Dropout(0.25).Flatten().BatchNorm(axis: -1).Dense(10, Activation.Softmax).Build(new ModelOptions { Seed = 11 }))
        {
            model.Save(original);
        }

        byte[] zip = File.ReadAllBytes(original);
        byte[] weights = ModelFileEditing.ReadEntry(original, "weights.bin");
        string json = Encoding.UTF8.GetString(ModelFileEditing.ReadEntry(original, "model.json"));
        var random = new Random(20260115);
        var outcomes = new Dictionary<string, (int Loaded, int Refused)>();
        var failures = new List<string>();
        var slowest = TimeSpan.Zero;
        var total = Stopwatch.StartNew();
        var run = Task.Run(() =>
        {
            for (int round = 0; round < 4000; round++)
            {
                string path = _temp.Combine($"case-{round}.mnistmodel");
                string kind = Mutate(round % 8, zip, weights, json, path, random);
                var watch = Stopwatch.StartNew();
                bool loaded = false;
                try
                {
                    using var model = SequentialModel.Load(path);
                    model.Layers.Should().NotBeEmpty();
                    loaded = true;
                }
                catch (ModelFileException ex)
                {
                    ex.Path.Should().Be(path);
                }
                catch (Exception ex)
                {
                    failures.Add($"case {round} ({kind}): {ex.GetType().FullName}: {ex.Message}");
                }

                watch.Stop();
                if (watch.Elapsed > slowest) slowest = watch.Elapsed;
                var (l, r) = outcomes.GetValueOrDefault(kind);
                outcomes[kind] = loaded ? (l + 1, r) : (l, r + 1);
                File.Delete(path);
            }
        });

        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(90)));
        finished.Should().BeSameAs(run, "no mutated file may make loading hang");
        await run;
        total.Stop();
        foreach (var (kind, (loaded, refused)) in outcomes.OrderBy(o => o.Key, StringComparer.Ordinal)) _output.WriteLine($"{kind}: {loaded} loaded, {refused} refused");
        _output.WriteLine($"total {total.Elapsed.TotalSeconds:F1} s, slowest case {slowest.TotalMilliseconds:F0} ms");
        failures.Should().BeEmpty();
        slowest.Should().BeLessThan(TimeSpan.FromSeconds(5));
        outcomes.Values.Sum(o => o.Refused).Should().BeGreaterThan(2000, "most mutations break the file");
        outcomes.Values.Sum(o => o.Loaded).Should().BeGreaterThan(0, "some mutations are harmless");
    }

    /// <summary>Writes a mutation of the original to <paramref name="path"/> and names it.</summary>
    private static string Mutate(int kind, byte[] zip, byte[] weights, string json, string path, Random random)
    {
        switch (kind)
        {
            case 0:
            {
                byte[] copy = (byte[])zip.Clone();
                int flips = 1 + random.Next(8);
                for (int i = 0; i < flips; i++) copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
                File.WriteAllBytes(path, copy);
                return "zip bit flips";
            }

            case 1:
                File.WriteAllBytes(path, zip.AsSpan(0, random.Next(zip.Length)).ToArray());
                return "zip truncated";
            case 2:
            case 3:
            {
                var root = JsonNode.Parse(json)!;
                var slots = Slots(root).ToList();
                int edits = 1 + random.Next(2);
                for (int i = 0; i < edits; i++)
                {
                    var (parent, key, index) = slots[random.Next(slots.Count)];
                    var value = HostileValues[random.Next(HostileValues.Length)]?.DeepClone();
                    if (parent is JsonObject o) o[key!] = value;
                    else ((JsonArray)parent)[index] = value;
                }

                File.WriteAllBytes(path, zip);
                ModelFileEditing.ReplaceEntry(path, "model.json", s => s.Write(Encoding.UTF8.GetBytes(root.ToJsonString())));
                return "json values";
            }

            case 4:
            {
                File.WriteAllBytes(path, zip);
                switch (random.Next(4))
                {
                    case 0:
                        ModelFileEditing.DeleteEntry(path, random.Next(2) == 0 ? "model.json" : "weights.bin");
                        return "entry deleted";
                    case 1:
                    {
                        using var archive = ZipFile.Open(path, ZipArchiveMode.Update);
                        using var s = archive.CreateEntry(random.Next(2) == 0 ? "weights.bin" : "model.json").Open();
                        s.Write(RandomBytes(random, random.Next(1, 2000)));
                        return "entry duplicated";
                    }

                    case 2:
                    {
                        using var archive = ZipFile.Open(path, ZipArchiveMode.Update);
                        for (int i = 0; i < 1 + random.Next(5); i++)
                        {
                            using var s = archive.CreateEntry($"extra-{i}/../{random.Next()}.bin").Open();
                            s.Write(RandomBytes(random, random.Next(0, 5000)));
                        }

                        return "extra entries";
                    }

                    default:
                        ModelFileEditing.ReplaceEntry(path, "model.json", s => s.Write(RandomBytes(random, random.Next(0, 3000))));
                        return "model.json garbage";
                }
            }

            case 5:
            case 6:
            {
                // Rewritten weights with a valid CRC: only the weights format, the shape checks and the value checks can tell.
                byte[] copy = (byte[])weights.Clone();
                int edits = 1 + random.Next(6);
                for (int i = 0; i < edits; i++)
                {
                    int at = random.Next(2) == 0 ? random.Next(Math.Min(copy.Length, 300)) : random.Next(copy.Length);
                    copy[at] = random.Next(4) == 0 ? (byte)0xFF : (byte)random.Next(256);
                }

                if (random.Next(5) == 0) copy = copy.AsSpan(0, random.Next(copy.Length)).ToArray();
                File.WriteAllBytes(path, zip);
                ModelFileEditing.ReplaceEntry(path, "weights.bin", s => s.Write(copy));
                return "weights bytes";
            }

            default:
            {
                // Lying headers: declared sizes of an entry forged (small, zero or huge).
                File.WriteAllBytes(path, zip);
                string entry = random.Next(2) == 0 ? "model.json" : "weights.bin";
                uint size = random.Next(3) switch { 0 => 0u, 1 => (uint)random.Next(1, 100), _ => uint.MaxValue - (uint)random.Next(100) };
                ModelFileEditing.ForgeDeclaredSize(path, entry, size);
                return "forged sizes";
            }
        }
    }

    /// <summary>Every value position in a JSON tree: (parent, key, index).</summary>
    private static IEnumerable<(JsonNode Parent, string? Key, int Index)> Slots(JsonNode node)
    {
        if (node is JsonObject obj)
        {
            foreach (var (key, child) in obj.ToList())
            {
                yield return (obj, key, -1);
                if (child is not null) foreach (var slot in Slots(child)) yield return slot;
            }
        }
        else if (node is JsonArray array)
        {
            for (int i = 0; i < array.Count; i++)
            {
                yield return (array, null, i);
                if (array[i] is { } child) foreach (var slot in Slots(child)) yield return slot;
            }
        }
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
