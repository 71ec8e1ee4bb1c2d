using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Mnist.Models;
using Mnist.Tests.Data;
using Mnist.Tests.Models;
using Xunit.Abstractions;

namespace Mnist.Tests.Ensemble;

using Mnist.Ensemble;

/// <summary>
/// Property-style robustness of ensemble folders: seeded mutations of the manifest and of the member files (with or
/// without a manifest updated to match) either load or throw <see cref="EnsembleFileException"/>, never anything else.
/// </summary>
public sealed class EnsembleFolderFuzzTests : IDisposable
{
    private static readonly JsonNode?[] HostileValues =
    [
        2147483647, 2147483648L, -1, 0, 1, 2, 1e30, -0.5, double.MaxValue, "abc", "", "member-1.mnistmodel", "../member-1.mnistmodel",
        "/etc/passwd", "WeightedMean", "Median", true, null, new JsonArray(), new JsonObject(), new JsonArray(1, 28, 28), new JsonArray((JsonNode?)null),
    ];

    private readonly TempDirectory _temp = new();
    private readonly ITestOutputHelper _output;

    public EnsembleFolderFuzzTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Seeded_mutations_of_an_ensemble_folder_only_ever_load_or_throw_EnsembleFileException()
    {
        string original = _temp.Combine("original");
        using (var ensemble = Sequential.Input(1, 10, 10).Normalize(33f, 78f).Conv2D(2, 3, Activation.ReLU).BatchNorm().Flatten().Dense(10, Activation.Softmax)
                   .ToEnsemble(members: 2, seed: 5).Build())
        {
            ensemble.Save(original);
        }

        string manifest = File.ReadAllText(Path.Combine(original, "ensemble.json"));
        byte[] member = File.ReadAllBytes(Path.Combine(original, "member-2.mnistmodel"));
        var random = new Random(424242);
        var failures = new List<string>();
        int loaded = 0, refused = 0;
        var slowest = TimeSpan.Zero;
        var total = Stopwatch.StartNew();
        var run = Task.Run(() =>
        {
            for (int round = 0; round < 1500; round++)
            {
                string folder = _temp.Combine($"case-{round}");
                CopyFolder(original, folder);
                string kind = Mutate(round % 5, folder, manifest, member, random);
                var watch = Stopwatch.StartNew();
                try
                {
                    using var ensemble = ModelEnsemble.Load(folder);
                    loaded++;
                }
                catch (EnsembleFileException)
                {
                    refused++;
                }
                catch (Exception ex)
                {
                    failures.Add($"case {round} ({kind}): {ex.GetType().FullName}: {ex.Message}");
                }

                watch.Stop();
                if (watch.Elapsed > slowest) slowest = watch.Elapsed;
                Directory.Delete(folder, recursive: true);
            }
        });

        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(90)));
        finished.Should().BeSameAs(run, "no mutated folder may make loading hang");
        await run;
        _output.WriteLine($"{loaded} loaded, {refused} refused in {total.Elapsed.TotalSeconds:F1} s, slowest case {slowest.TotalMilliseconds:F0} ms");
        failures.Should().BeEmpty();
        slowest.Should().BeLessThan(TimeSpan.FromSeconds(5));
        refused.Should().BeGreaterThan(800);
        loaded.Should().BeGreaterThan(0);
    }

    private static string Mutate(int kind, string folder, string manifest, byte[] member, Random random)
    {
        string manifestPath = Path.Combine(folder, "ensemble.json");
        string memberPath = Path.Combine(folder, "member-2.mnistmodel");
        switch (kind)
        {
            case 0:
            {
                var root = JsonNode.Parse(manifest)!;
                var slots = Slots(root).ToList();
                for (int i = 0; i < 1 + random.Next(2); i++)
                {
                    var (parent, key, index) = slots[random.Next(slots.Count)];
                    var value = HostileValues[random.Next(HostileValues.Length)]?.DeepClone();
                    if (parent is JsonObject o) o[key!] = value;
                    else ((JsonArray)parent)[index] = value;
                }

                File.WriteAllText(manifestPath, root.ToJsonString());
                return "manifest values";
            }

            case 1:
            {
                byte[] bytes = Encoding.UTF8.GetBytes(manifest);
                if (random.Next(2) == 0) bytes = bytes.AsSpan(0, random.Next(bytes.Length)).ToArray();
                else for (int i = 0; i < 1 + random.Next(6); i++) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                File.WriteAllBytes(manifestPath, bytes);
                return "manifest bytes";
            }

            case 2:
            case 3:
            {
                // A mutated member, with the manifest's SHA-256 updated so that loading reaches Core's checks (case 3) or not (case 2).
                byte[] copy = (byte[])member.Clone();
                if (random.Next(3) == 0) copy = copy.AsSpan(0, random.Next(copy.Length)).ToArray();
                else for (int i = 0; i < 1 + random.Next(8); i++) copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
                File.WriteAllBytes(memberPath, copy);
                if (kind == 3)
                {
                    var root = JsonNode.Parse(manifest)!;
                    root["members"]![1]!["sha256"] = Convert.ToHexString(SHA256.HashData(copy)).ToLowerInvariant();
                    File.WriteAllText(manifestPath, root.ToJsonString());
                    return "member bytes, hash updated";
                }

                return "member bytes";
            }

            default:
            {
                switch (random.Next(4))
                {
                    case 0:
                        File.Delete(random.Next(2) == 0 ? manifestPath : memberPath);
                        return "file deleted";
                    case 1:
                        File.WriteAllBytes(Path.Combine(folder, $"member-{3 + random.Next(3)}.mnistmodel"), member);
                        return "extra file";
                    case 2:
                    {
                        // A hostile model.json in a member whose hash is updated.
                        File.Copy(memberPath, memberPath + ".tmp");
                        var value = HostileValues[random.Next(HostileValues.Length)]?.ToJsonString() ?? "null";
                        string key = random.Next(3) switch { 0 => "units", 1 => "filters", _ => "kernelSize" };
                        ModelFileEditing.RewriteModelJson(memberPath + ".tmp", j => System.Text.RegularExpressions.Regex.Replace(j, $"\"{key}\": [0-9]+", $"\"{key}\": {value}"));
                        File.Move(memberPath + ".tmp", memberPath, overwrite: true);
                        EnsembleFolderEditing.VouchForMember(folder, 2);
                        return "member architecture";
                    }

                    default:
                        Directory.CreateDirectory(Path.Combine(folder, "member-1.mnistmodel.d"));
                        File.WriteAllText(manifestPath, manifest.Replace("member-1.mnistmodel", "member-1.mnistmodel.d", StringComparison.Ordinal));
                        return "member is a folder";
                }
            }
        }
    }

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

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }
}
