using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mnist.Models;
using Mnist.Training;

namespace Mnist.Ensemble;

public sealed partial class ModelEnsemble
{
    /// <summary>Name of the manifest inside an ensemble folder.</summary>
    public const string ManifestFileName = "ensemble.json";

    /// <summary>The <c>format</c> value of ensemble manifests.</summary>
    public const string ManifestFormat = "mnist-ensemble";

    /// <summary>The manifest version this library writes and reads.</summary>
    public const int ManifestVersion = 1;

    /// <summary>Limits for reading back a model file this process has just written (trusted).</summary>
    private static readonly ModelLoadLimits OwnFileLimits = new() { MaxArchitectureBytes = Array.MaxLength, MaxJsonDepth = 1000 };

    /// <summary>Entry of Core's whole-model file that holds the architecture.</summary>
    private const string ModelArchitectureEntry = "model.json";

    /// <summary>File name of member <paramref name="memberNumber"/> (1-based) in an ensemble folder: <c>member-1.mnistmodel</c>.</summary>
    public static string MemberFileName(int memberNumber)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(memberNumber);
        return string.Create(CultureInfo.InvariantCulture, $"member-{memberNumber}.mnistmodel");
    }

    /// <summary>
    /// Saves the ensemble as a folder: <c>ensemble.json</c> (format version, member count, seed, combination, input and
    /// output shape, member 1's architecture with the normaliser's statistics, and per member its file, SHA-256,
    /// architecture hash, seed, weight and training state) and one Core whole-model file per member
    /// (<c>member-1.mnistmodel</c>, …). Everything is written into a hidden sibling folder first and then swapped in, so a
    /// failure midway leaves an existing ensemble folder intact. Saves into one folder are serialised by a lock file beside
    /// it (<c>.{name}.lock</c>, deleted afterwards), and a successful save deletes the hidden <c>.{name}.saving-…</c> and
    /// <c>.{name}.old-…</c> folders that crashed saves of the same folder left behind (only folders with exactly those
    /// names; a failed save leaves them alone, since an <c>.old-</c> folder may hold the only copy of the previous ensemble).
    /// </summary>
    /// <param name="folder">The destination folder; an existing ensemble folder there is replaced.</param>
    /// <exception cref="InvalidOperationException">The ensemble has no members.</exception>
    /// <exception cref="NotSupportedException">A member has a layer without a configuration (Lambda or module layers, see <see cref="SequentialModel.Save"/>).</exception>
    /// <exception cref="EnsembleFileException">The folder exists, is not empty and is not an ensemble folder (nothing is replaced).</exception>
    /// <exception cref="IOException">Another save into the same folder is in progress, or the folder cannot be written.</exception>
    public void Save(string folder)
    {
        ThrowIfDisposed();
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        if (_members.Count == 0) throw new InvalidOperationException("An empty ensemble cannot be saved.");
        DirectorySwap.Replace(
            folder,
            WriteFolder,
            existing => File.Exists(Path.Combine(existing, ManifestFileName)),
            $"it exists, is not empty and holds no {ManifestFileName}: it is not an ensemble folder, so it is not replaced. Choose another folder or empty it.");
    }

    /// <summary>
    /// Loads an ensemble saved by <see cref="Save"/>, after checking that the manifest is present and of this version and
    /// that every member file is present, unaltered (SHA-256), of the recorded architecture, and of the ensemble's input
    /// and output shape. Every problem found is named.
    /// </summary>
    /// <param name="folder">The ensemble folder.</param>
    /// <param name="options">Device, device index and precision of the members (copied and validated; default CPU, float32); its seed must be null (each member's derives from the manifest's ensemble seed).</param>
    /// <param name="optimizerFactory">Compiles each loaded member (e.g. <c>() =&gt; new AdamOptions()</c>) so it can be trained further; default: not compiled.</param>
    /// <param name="limits">
    /// Resource limits (default <c>new ModelLoadLimits()</c>). Every member is loaded by <see cref="SequentialModel.Load"/>
    /// with them (bounded entries, shape checks before building, NaN checks), and the members together store at most
    /// <see cref="ModelLoadLimits.MaxParameters"/> values. <c>ensemble.json</c> may hold at most four times
    /// <see cref="ModelLoadLimits.MaxArchitectureBytes"/> (it repeats member 1's architecture and lists the members) and
    /// nest at most <see cref="ModelLoadLimits.MaxJsonDepth"/> levels.
    /// </param>
    /// <param name="customLayers">Factories for custom layer types the members use (default none), passed to <see cref="SequentialModel.Load"/>.</param>
    /// <exception cref="EnsembleFileException">The folder, manifest or a member is missing, corrupt, inconsistent or beyond a limit; <see cref="EnsembleFileException.Problems"/> lists each.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A limit is not positive, or an option is out of range.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> has a seed.</exception>
    public static ModelEnsemble Load(string folder, ModelOptions? options = null, Func<OptimizerOptions>? optimizerFactory = null, ModelLoadLimits? limits = null, CustomLayers? customLayers = null)
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
        CheckMemberFiles(full, manifest, limits);
        long usedValues = 0;

        var ensemble = new ModelEnsemble(manifest.Seed, manifest.Combination);
        try
        {
            foreach (var entry in manifest.Members)
            {
                string path = Path.Combine(full, entry.File);
                var modelOptions = memberOptions.Clone();
                modelOptions.Seed = MemberSeed(manifest.Seed, entry.Number - 1);
                SequentialModel model;
                var memberLimits = limits.Clone();
                memberLimits.MaxParameters = Math.Max(1, limits.MaxParameters - usedValues);
                try
                {
                    model = SequentialModel.Load(path, modelOptions, memberLimits, customLayers);
                }
                catch (ModelFileException ex)
                {
                    string shared = usedValues > 0 ? $" (the members share ModelLoadLimits.MaxParameters = {limits.MaxParameters:N0}; the members before it store {usedValues:N0} values)" : string.Empty;
                    throw new EnsembleFileException(full, $"{entry.File} cannot be loaded: {ex.Message}{shared}", ex);
                }

                usedValues += model.Network.state_dict().Values.Sum(t => t.numel());

                try
                {
                    var problems = new List<string>();
                    if (!model.InputShape.Equals(manifest.InputShape))
                        problems.Add($"{entry.File} takes input {model.InputShape} but the manifest records {manifest.InputShape}.");
                    if (!model.OutputShape.Equals(manifest.OutputShape))
                        problems.Add($"{entry.File} outputs {model.OutputShape} but the manifest records {manifest.OutputShape}.");
                    if (problems.Count > 0) throw new EnsembleFileException(full, problems);
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

    private void WriteFolder(string folder)
    {
        var members = new JsonArray();
        string? firstArchitectureHash = null;
        JsonObject? firstArchitecture = null;
        var hashes = new List<string>();
        foreach (var member in _members)
        {
            string file = MemberFileName(member.Number);
            string path = Path.Combine(folder, file);
            member.Model.Save(path);
            var architecture = ReadArchitecture(path, OwnFileLimits);
            string architectureHash = ArchitectureHash(architecture);
            hashes.Add(architectureHash);
            firstArchitectureHash ??= architectureHash;
            firstArchitecture ??= architecture;
            members.Add(new JsonObject
            {
                ["number"] = member.Number,
                ["file"] = file,
                ["sha256"] = FileSha256(path),
                ["architectureSha256"] = architectureHash,
                ["seed"] = member.Seed,
                ["weight"] = member.Weight,
                ["trained"] = member.IsTrained,
                ["epochsTrained"] = member.Model.EpochsTrained,
            });
        }

        var normalizer = _members[0].Model.LayerDescriptions.OfType<NormalizeLayer>().FirstOrDefault();
        var manifest = new JsonObject
        {
            ["format"] = ManifestFormat,
            ["formatVersion"] = ManifestVersion,
            ["memberCount"] = _members.Count,
            ["seed"] = Seed,
            ["combination"] = Combination.ToString(),
            ["inputShape"] = ShapeJson(InputShape),
            ["outputShape"] = ShapeJson(OutputShape),
            ["sharedArchitecture"] = hashes.Distinct(StringComparer.Ordinal).Count() == 1,
            ["architecture"] = new JsonObject
            {
                ["sha256"] = firstArchitectureHash,
                ["layers"] = firstArchitecture!["layers"]?.DeepClone(),
            },
            ["normalizer"] = normalizer is null ? null : new JsonObject { ["mean"] = normalizer.Mean, ["standardDeviation"] = normalizer.StandardDeviation },
            ["members"] = members,
        };
        File.WriteAllText(Path.Combine(folder, ManifestFileName), manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private static JsonArray ShapeJson(TensorShape shape) => new(shape.Dimensions.Select(d => (JsonNode?)d).ToArray());

    private static void CheckMemberFiles(string folder, EnsembleManifest manifest, ModelLoadLimits limits)
    {
        var problems = new List<string>();
        foreach (var entry in manifest.Members)
        {
            string path = Path.Combine(folder, entry.File);
            if (!File.Exists(path))
            {
                problems.Add($"{entry.File} (member {entry.Number}) is missing.");
                continue;
            }

            string actual = FileSha256(path);
            if (!string.Equals(actual, entry.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{entry.File} (member {entry.Number}) has SHA-256 {actual} but the manifest records {entry.Sha256}: the file was changed or replaced.");
                continue;
            }

            string architectureHash;
            try
            {
                architectureHash = ArchitectureHash(ReadArchitecture(path, limits));
            }
            catch (Exception ex) when (ex is InvalidDataException or JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
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
    }

    private static EnsembleManifest ReadManifest(string folder, ModelLoadLimits limits)
    {
        string path = Path.Combine(folder, ManifestFileName);
        if (!File.Exists(path)) throw new EnsembleFileException(folder, $"{ManifestFileName} is missing: not an ensemble folder written by ModelEnsemble.Save.");
        long maxBytes = 4L * limits.MaxArchitectureBytes;
        try
        {
            byte[] bytes;
            using (var stream = File.OpenRead(path))
            {
                if (stream.Length > maxBytes)
                    throw new EnsembleFileException(folder, $"{ManifestFileName} holds {stream.Length:N0} bytes, more than the limit of {maxBytes:N0} (four times ModelLoadLimits.MaxArchitectureBytes).");
                bytes = ReadBounded(stream, maxBytes) ?? throw new EnsembleFileException(folder, $"{ManifestFileName} grew beyond the limit of {maxBytes:N0} bytes while being read.");
            }

            var json = JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { MaxDepth = limits.MaxJsonDepth }) as JsonObject
                       ?? throw new EnsembleFileException(folder, $"{ManifestFileName} is not a JSON object.");
            return EnsembleManifest.Parse(json, folder);
        }
        catch (JsonException ex)
        {
            throw new EnsembleFileException(folder, $"{ManifestFileName} is not valid JSON (or nests deeper than {limits.MaxJsonDepth} levels, ModelLoadLimits.MaxJsonDepth): {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException or OverflowException)
        {
            throw new EnsembleFileException(folder, $"{ManifestFileName} has a value of the wrong type: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EnsembleFileException(folder, $"{ManifestFileName} cannot be read: {ex.Message}", ex);
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

    /// <summary>
    /// The input shape and layers stored in a Core whole-model file, read within the limits of
    /// <see cref="ModelLoadLimits"/> (whatever size the entry declares). <see cref="SequentialModel.Load"/> checks the
    /// entry's CRC and everything else when the member is loaded.
    /// </summary>
    private static JsonObject ReadArchitecture(string modelFile, ModelLoadLimits limits)
    {
        using var zip = ZipFile.OpenRead(modelFile);
        var entry = zip.GetEntry(ModelArchitectureEntry) ?? throw new InvalidDataException($"'{ModelArchitectureEntry}' is missing.");
        if (entry.Length > limits.MaxArchitectureBytes)
            throw new InvalidDataException($"'{ModelArchitectureEntry}' declares {entry.Length:N0} bytes, more than the limit of {limits.MaxArchitectureBytes:N0} (ModelLoadLimits.MaxArchitectureBytes).");
        byte[] bytes;
        using (var stream = entry.Open())
        {
            bytes = ReadBounded(stream, limits.MaxArchitectureBytes)
                    ?? throw new InvalidDataException($"'{ModelArchitectureEntry}' inflates to more than the limit of {limits.MaxArchitectureBytes:N0} bytes (ModelLoadLimits.MaxArchitectureBytes).");
        }

        var json = JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { MaxDepth = limits.MaxJsonDepth }) as JsonObject
                   ?? throw new InvalidDataException($"'{ModelArchitectureEntry}' is not a JSON object.");
        try
        {
            return new JsonObject
            {
                ["inputShape"] = json["inputShape"]?.DeepClone(),
                ["layers"] = json["layers"]?.DeepClone(),
            };
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            throw new InvalidDataException($"'{ModelArchitectureEntry}' cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>SHA-256 (lower-case hex) of the compact JSON of an architecture: equal for equal layers and statistics.</summary>
    private static string ArchitectureHash(JsonObject architecture) =>
        Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(architecture.ToJsonString()))).ToLowerInvariant();

    private static string FileSha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }
}
