using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Mnist.Ensemble;
using Mnist.Models;

namespace Mnist.Onnx;

/// <summary>The canonical ensemble description behind <see cref="OnnxMetadataKeys.ArchitectureHash"/> (a single model's is Core's <see cref="ModelFile.ComputeArchitectureSha256"/>).</summary>
internal static class ArchitectureDescription
{
    /// <summary>
    /// <c>{"combination":…,"weights":[…],"members":["member architecture hash", …]}</c> for an ensemble.
    /// </summary>
    public static JsonObject ToJson(ModelEnsemble ensemble) => new()
    {
        ["combination"] = ensemble.Combination.ToString(),
        ["weights"] = new JsonArray(ensemble.Weights.Select(w => (JsonNode?)w).ToArray()),
        ["members"] = new JsonArray(ensemble.Members.Select(m => (JsonNode?)ModelFile.ComputeArchitectureSha256(m.Model)).ToArray()),
    };

    /// <summary>Lower-case hexadecimal SHA-256 of the UTF-8 compact JSON.</summary>
    public static string Hash(JsonObject json) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(json.ToJsonString()))).ToLowerInvariant();
}
