using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mnist.Models;
using Mnist.Training;

namespace Mnist.Ensemble;

/// <summary>
/// The ensemble folder (<see cref="ModelEnsemble.Save"/>, <see cref="ModelEnsemble.Load"/>): <c>ensemble.json</c> and one
/// Core whole-model file per member, written into a hidden sibling and swapped in (<see cref="DirectorySwap"/>), and
/// checked when read — manifest, file hashes, architecture hashes, shapes — before and while the members are loaded.
/// Member files are written and read only through Core's <see cref="ModelFile"/>.
/// </summary>
internal static class EnsembleFolder
{
    /// <summary>Writes <paramref name="ensemble"/> (at least one member) to <paramref name="folder"/>, replacing an ensemble folder there.</summary>
    public static void Save(ModelEnsemble ensemble, string folder)
    {
        DirectorySwap.Replace(
            folder,
            staging => Write(ensemble, staging),
            existing => File.Exists(Path.Combine(existing, ModelEnsemble.ManifestFileName)),
            $"it exists, is not empty and holds no {ModelEnsemble.ManifestFileName}: it is not an ensemble folder, so it is not replaced. Choose another folder or empty it.");
    }

    /// <summary>Assembles an ensemble from separately trained member files (see <see cref="ModelEnsemble.FromModelFiles"/>).</summary>
    public static ModelEnsemble FromModelFiles(IEnumerable<string> paths, int? seed, EnsembleCombination combination, ModelOptions? options, ModelLoadLimits? limits, CustomLayers? customLayers)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var files = paths.Select(p => Path.GetFullPath(p ?? throw new ArgumentException("A member path is null.", nameof(paths)))).ToList();
        if (files.Count == 0) throw new ArgumentException("An ensemble needs at least one member file.", nameof(paths));
        if (files.GroupBy(f => f, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } repeated)
            throw new ArgumentException($"The member file {repeated.Key} is named more than once; each member needs its own file.", nameof(paths));
        var memberOptions = options?.Clone() ?? new ModelOptions();
        if (memberOptions.Seed is not null)
            throw new ArgumentException("options.Seed must be null: the members keep their trained weights, and their seeds derive from the ensemble seed.", nameof(paths));
        memberOptions.Validate();
        var headers = files.Select(f => ModelFile.ReadHeader(f, limits)).ToList();
        var problems = new List<string>();
        for (int i = 1; i < files.Count; i++)
        {
            if (headers[i].ArchitectureSha256 != headers[0].ArchitectureSha256)
                problems.Add($"member {i + 1} ({files[i]}) has architecture {headers[i].ArchitectureSha256[..12]}…, member 1 ({files[0]}) {headers[0].ArchitectureSha256[..12]}…: every member must be built from the same layers and settings.");
            if (!headers[i].ClassNames.SequenceEqual(headers[0].ClassNames))
                problems.Add($"member {i + 1} ({files[i]}) names its classes ({string.Join(", ", headers[i].ClassNames)}) unlike member 1 ({string.Join(", ", headers[0].ClassNames)}).");
        }

        if (problems.Count > 0) throw new EnsembleFileException(files[0], problems);
        var models = new List<SequentialModel>(files.Count);
        try
        {
            foreach (var file in files) models.Add(ModelFile.Load(file, memberOptions.Clone(), limits, customLayers));
            return ModelEnsemble.FromModels(models, seed, combination);
        }
        catch
        {
            foreach (var model in models) model.Dispose();
            throw;
        }
    }

    /// <summary>Reads an ensemble folder after checking it (see <see cref="ModelEnsemble.Load"/>).</summary>
    public static ModelEnsemble Load(string folder, ModelOptions? options, Func<OptimizerOptions>? optimizerFactory, ModelLoadLimits? limits, CustomLayers? customLayers)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var memberOptions = options?.Clone() ?? new ModelOptions();
        if (memberOptions.Seed is not null)
            throw new ArgumentException("options.Seed must be null: each member's seed derives from the ensemble seed stored in the manifest (ModelEnsemble.MemberSeed).", nameof(options));
        memberOptions.Validate();
        limits = limits?.Clone() ?? new ModelLoadLimits();
        limits.Validate();
        string full = Path.GetFullPath(folder);
        if (!Directory.Exists(full)) throw new EnsembleFileException(full, "the folder does not exist.");
        var manifest = ReadManifest(full, limits);
        // The member files stay open from their checks until they are loaded, so the bytes loaded are the bytes hashed.
        var files = OpenMemberFiles(full, manifest, limits);
        try
        {
            return LoadMembers(full, manifest, files, memberOptions, optimizerFactory, limits, customLayers);
        }
        finally
        {
            foreach (var file in files) file.Dispose();
        }
    }

    private static ModelEnsemble LoadMembers(string folder, EnsembleManifest manifest, List<FileStream> files, ModelOptions memberOptions, Func<OptimizerOptions>? optimizerFactory, ModelLoadLimits limits, CustomLayers? customLayers)
    {
        long usedValues = 0;
        var ensemble = new ModelEnsemble(manifest.Seed, manifest.Combination);
        try
        {
            for (int i = 0; i < manifest.Members.Count; i++)
            {
                var entry = manifest.Members[i];
                var modelOptions = memberOptions.Clone();
                modelOptions.Seed = ModelEnsemble.MemberSeed(manifest.Seed, entry.Number - 1);
                SequentialModel model;
                var memberLimits = limits.Clone();
                memberLimits.MaxParameters = Math.Max(1, limits.MaxParameters - usedValues);
                try
                {
                    files[i].Position = 0;
                    model = ModelFile.Load(files[i], Path.Combine(folder, entry.File), modelOptions, memberLimits, customLayers);
                }
                catch (ModelFileException ex)
                {
                    string shared = usedValues > 0 ? $" (the members share ModelLoadLimits.MaxParameters = {limits.MaxParameters:N0}; the members before it store {usedValues:N0} values)" : string.Empty;
                    throw new EnsembleFileException(folder, $"{entry.File} cannot be loaded: {ex.Message}{shared}", ex);
                }

                usedValues += model.Network.state_dict().Values.Sum(t => t.numel());

                try
                {
                    var problems = new List<string>();
                    if (!model.InputShape.Equals(manifest.InputShape))
                        problems.Add($"{entry.File} takes input {model.InputShape} but the manifest records {manifest.InputShape}.");
                    if (!model.OutputShape.Equals(manifest.OutputShape))
                        problems.Add($"{entry.File} outputs {model.OutputShape} but the manifest records {manifest.OutputShape}.");
                    if (problems.Count > 0) throw new EnsembleFileException(folder, problems);
                    if (optimizerFactory is not null) model.Compile(optimizerFactory() ?? throw new ArgumentException("The optimizer factory returned null.", nameof(optimizerFactory)));
                    ensemble.AddMember(model, entry.Weight, entry.Trained);
                }
                catch
                {
                    model.Dispose();
                    throw;
                }
            }

            return ensemble;
        }
        catch
        {
            ensemble.Dispose();
            throw;
        }
    }

    private static void Write(ModelEnsemble ensemble, string folder)
    {
        var members = new JsonArray();
        ModelFileHeader? first = null;
        var hashes = new List<string>();
        foreach (var member in ensemble.Members)
        {
            string file = ModelEnsemble.MemberFileName(member.Number);
            string path = Path.Combine(folder, file);
            var header = ModelFile.Save(member.Model, path);
            hashes.Add(header.ArchitectureSha256);
            first ??= header;
            string sha256;
            using (var written = File.OpenRead(path)) sha256 = Sha256(written);
            members.Add(new JsonObject
            {
                ["number"] = member.Number,
                ["file"] = file,
                ["sha256"] = sha256,
                ["architectureSha256"] = header.ArchitectureSha256,
                ["seed"] = member.Seed,
                ["weight"] = member.Weight,
                ["trained"] = member.IsTrained,
                ["epochsTrained"] = member.Model.EpochsTrained,
            });
        }

        var normalizer = ensemble.Members[0].Model.LayerDescriptions.OfType<NormalizeLayer>().FirstOrDefault();
        var manifest = new JsonObject
        {
            ["format"] = ModelEnsemble.ManifestFormat,
            ["formatVersion"] = ModelEnsemble.ManifestVersion,
            ["memberCount"] = ensemble.Count,
            ["seed"] = ensemble.Seed,
            ["combination"] = ensemble.Combination.ToString(),
            ["inputShape"] = ShapeJson(ensemble.InputShape),
            ["outputShape"] = ShapeJson(ensemble.OutputShape),
            ["sharedArchitecture"] = hashes.Distinct(StringComparer.Ordinal).Count() == 1,
            ["architecture"] = new JsonObject
            {
                ["sha256"] = first!.ArchitectureSha256,
                ["layers"] = first.GetLayers(),
            },
            ["normalizer"] = normalizer is null ? null : new JsonObject { ["mean"] = normalizer.Mean, ["standardDeviation"] = normalizer.StandardDeviation },
            ["members"] = members,
        };
        File.WriteAllText(Path.Combine(folder, ModelEnsemble.ManifestFileName), manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private static JsonArray ShapeJson(TensorShape shape) => new(shape.Dimensions.Select(d => (JsonNode?)d).ToArray());

    /// <summary>
    /// Opens every member file and checks it against its manifest entry — present, SHA-256, a readable model file whose
    /// architecture hash matches the entry (and the shared one) — naming every problem; on success the files are
    /// returned open, in member order, for the caller to load and dispose.
    /// </summary>
    private static List<FileStream> OpenMemberFiles(string folder, EnsembleManifest manifest, ModelLoadLimits limits)
    {
        var files = new List<FileStream>(manifest.Members.Count);
        var problems = new List<string>();
        try
        {
            foreach (var entry in manifest.Members)
            {
                string path = Path.Combine(folder, entry.File);
                if (!File.Exists(path))
                {
                    problems.Add($"{entry.File} (member {entry.Number}) is missing.");
                    continue;
                }

                var stream = File.OpenRead(path);
                files.Add(stream);
                string actual = Sha256(stream);
                if (!string.Equals(actual, entry.Sha256, StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add($"{entry.File} (member {entry.Number}) has SHA-256 {actual} but the manifest records {entry.Sha256}: the file was changed or replaced.");
                    continue;
                }

                string architectureHash;
                try
                {
                    stream.Position = 0;
                    architectureHash = ModelFile.ReadHeader(stream, path, limits).ArchitectureSha256;
                }
                catch (ModelFileException ex)
                {
                    problems.Add($"{entry.File} (member {entry.Number}) is not a readable model file: {ex.Message}");
                    continue;
                }

                if (!string.Equals(architectureHash, entry.ArchitectureSha256, StringComparison.OrdinalIgnoreCase))
                    problems.Add($"{entry.File} (member {entry.Number}) has architecture {architectureHash} but the manifest records {entry.ArchitectureSha256}.");
                else if (manifest.SharedArchitecture && !string.Equals(architectureHash, manifest.ArchitectureSha256, StringComparison.OrdinalIgnoreCase))
                    problems.Add($"{entry.File} (member {entry.Number}) has architecture {architectureHash} but the manifest says every member shares architecture {manifest.ArchitectureSha256}.");
            }

            if (problems.Count > 0) throw new EnsembleFileException(folder, problems);
            return files;
        }
        catch
        {
            foreach (var file in files) file.Dispose();
            throw;
        }
    }

    private static EnsembleManifest ReadManifest(string folder, ModelLoadLimits limits)
    {
        string file = ModelEnsemble.ManifestFileName;
        string path = Path.Combine(folder, file);
        if (!File.Exists(path)) throw new EnsembleFileException(folder, $"{file} is missing: not an ensemble folder written by ModelEnsemble.Save.");
        long maxBytes = 4L * limits.MaxArchitectureBytes;
        try
        {
            byte[] bytes;
            using (var stream = File.OpenRead(path))
            {
                if (stream.Length > maxBytes)
                    throw new EnsembleFileException(folder, $"{file} holds {stream.Length:N0} bytes, more than the limit of {maxBytes:N0} (four times ModelLoadLimits.MaxArchitectureBytes).");
                bytes = ReadBounded(stream, maxBytes) ?? throw new EnsembleFileException(folder, $"{file} grew beyond the limit of {maxBytes:N0} bytes while being read.");
            }

            var json = JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { MaxDepth = limits.MaxJsonDepth }) as JsonObject
                       ?? throw new EnsembleFileException(folder, $"{file} is not a JSON object.");
            return EnsembleManifest.Parse(json, folder);
        }
        catch (JsonException ex)
        {
            throw new EnsembleFileException(folder, $"{file} is not valid JSON (or nests deeper than {limits.MaxJsonDepth} levels, ModelLoadLimits.MaxJsonDepth): {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException or OverflowException)
        {
            throw new EnsembleFileException(folder, $"{file} has a value of the wrong type: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EnsembleFileException(folder, $"{file} cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>All bytes of <paramref name="stream"/>, or <see langword="null"/> when it holds more than <paramref name="limit"/>.</summary>
    private static byte[]? ReadBounded(Stream stream, long limit)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, limit - buffer.Length + 1))) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > limit) return null;
        }

        return buffer.ToArray();
    }

    /// <summary>Lower-case hex SHA-256 of a stream's bytes from its current position.</summary>
    private static string Sha256(Stream stream) => Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
}
