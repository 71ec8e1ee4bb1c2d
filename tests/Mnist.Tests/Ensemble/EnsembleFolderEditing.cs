using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Mnist.Tests.Models;

namespace Mnist.Tests.Ensemble;

/// <summary>Forges ensemble folders whose manifest vouches for altered member files.</summary>
internal static class EnsembleFolderEditing
{
    /// <summary>
    /// Records the current SHA-256 and architecture hash of member <paramref name="number"/> (1-based) in the manifest and
    /// marks the architecture as not shared, so that loading gets past the folder checks to Core's model loading.
    /// </summary>
    public static void VouchForMember(string folder, int number)
    {
        string manifestPath = Path.Combine(folder, "ensemble.json");
        string memberPath = Path.Combine(folder, $"member-{number}.mnistmodel");
        var root = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        var entry = root["members"]![number - 1]!;
        entry["sha256"] = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(memberPath))).ToLowerInvariant();
        var json = JsonNode.Parse(Encoding.UTF8.GetString(ModelFileEditing.ReadEntry(memberPath, "model.json")))!;
        var architecture = new JsonObject { ["inputShape"] = json["inputShape"]?.DeepClone(), ["layers"] = json["layers"]?.DeepClone() };
        entry["architectureSha256"] = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(architecture.ToJsonString()))).ToLowerInvariant();
        root["sharedArchitecture"] = false;
        File.WriteAllText(manifestPath, root.ToJsonString());
    }
}
