using System.Text.Json.Nodes;
using Mnist.Models;

namespace Mnist.Ensemble;

/// <summary>The parsed <c>ensemble.json</c> of an ensemble folder (see <see cref="ModelEnsemble.Save"/>).</summary>
internal sealed record EnsembleManifest(
    int Seed,
    EnsembleCombination Combination,
    TensorShape InputShape,
    TensorShape OutputShape,
    bool SharedArchitecture,
    string ArchitectureSha256,
    IReadOnlyList<EnsembleManifestMember> Members)
{
    /// <summary>Reads and checks a manifest, naming every problem found.</summary>
    public static EnsembleManifest Parse(JsonObject json, string folder)
    {
        string file = ModelEnsemble.ManifestFileName;
        string? format = json["format"]?.GetValue<string>();
        if (format != ModelEnsemble.ManifestFormat)
            throw new EnsembleFileException(folder, $"{file} has format '{format}', expected '{ModelEnsemble.ManifestFormat}'.");
        int version = json["formatVersion"]?.GetValue<int>() ?? -1;
        if (version != ModelEnsemble.ManifestVersion)
            throw new EnsembleFileException(folder, $"{file} has format version {version}; this library reads version {ModelEnsemble.ManifestVersion}.");

        var problems = new List<string>();
        int seed = json["seed"]?.GetValue<int>() ?? Missing<int>(problems, "seed");
        var combination = EnsembleCombination.ArithmeticMean;
        string? combinationText = json["combination"]?.GetValue<string>();
        if (combinationText is null) problems.Add($"{file} lacks 'combination'.");
        else if (!Enum.TryParse(combinationText, ignoreCase: false, out combination) || !Enum.IsDefined(combination))
            problems.Add($"{file} has the unknown combination '{combinationText}' (expected one of {string.Join(", ", Enum.GetNames<EnsembleCombination>())}).");
        var input = Shape(json, "inputShape", problems);
        var output = Shape(json, "outputShape", problems);
        bool shared = json["sharedArchitecture"]?.GetValue<bool>() ?? Missing<bool>(problems, "sharedArchitecture");
        string architectureHash = json["architecture"]?["sha256"]?.GetValue<string>() ?? Missing<string>(problems, "architecture.sha256") ?? string.Empty;

        var members = new List<EnsembleManifestMember>();
        if (json["members"] is not JsonArray array || array.Count == 0)
        {
            problems.Add($"{file} lists no members.");
        }
        else
        {
            int count = json["memberCount"]?.GetValue<int>() ?? -1;
            if (count != array.Count) problems.Add($"{file} says memberCount {count} but lists {array.Count} members.");
            var files = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < array.Count; i++)
            {
                int number = i + 1;
                if (array[i] is not JsonObject entry)
                {
                    problems.Add($"{file}: member {number} is not an object.");
                    continue;
                }

                string? memberFile = entry["file"]?.GetValue<string>();
                string? sha = entry["sha256"]?.GetValue<string>();
                string? architecture = entry["architectureSha256"]?.GetValue<string>();
                double weight = entry["weight"]?.GetValue<double>() ?? 1.0;
                bool trained = entry["trained"]?.GetValue<bool>() ?? false;
                if (memberFile is null || sha is null || architecture is null)
                {
                    problems.Add($"{file}: member {number} lacks 'file', 'sha256' or 'architectureSha256'.");
                    continue;
                }

                if (memberFile.Length == 0 || memberFile != Path.GetFileName(memberFile) || memberFile is "." or "..")
                {
                    problems.Add($"{file}: member {number} has the file name '{memberFile}', which is not a plain file name inside the folder.");
                    continue;
                }

                if (!files.Add(memberFile)) problems.Add($"{file}: member {number} reuses the file '{memberFile}'.");
                if (!double.IsFinite(weight) || weight < 0) problems.Add($"{file}: member {number} has the weight {weight}; weights must be finite and ≥ 0.");
                members.Add(new EnsembleManifestMember(number, memberFile, sha, architecture, weight, trained));
            }

            if (combination == EnsembleCombination.WeightedMean && members.Count > 0 && members.Sum(m => m.Weight) <= 0)
                problems.Add($"{file}: the combination is WeightedMean but the member weights sum to 0.");
        }

        if (problems.Count > 0) throw new EnsembleFileException(folder, problems);
        return new EnsembleManifest(seed, combination, input!, output!, shared, architectureHash, members);

        T? Missing<T>(List<string> list, string name)
        {
            list.Add($"{file} lacks '{name}'.");
            return default;
        }
    }

    private static TensorShape? Shape(JsonObject json, string name, List<string> problems)
    {
        try
        {
            if (json[name] is JsonArray array && array.Count > 0 && array.All(n => n is JsonValue))
                return new TensorShape(array.Select(n => n!.GetValue<int>()).ToArray());
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException or OverflowException)
        {
        }

        problems.Add($"{ModelEnsemble.ManifestFileName} lacks a valid '{name}'.");
        return null;
    }
}

/// <summary>One member entry of <c>ensemble.json</c>.</summary>
internal sealed record EnsembleManifestMember(int Number, string File, string Sha256, string ArchitectureSha256, double Weight, bool Trained);
