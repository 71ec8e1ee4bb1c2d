using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Mnist.Ensemble;
using Mnist.Models;

namespace Mnist.Onnx;

/// <summary>The canonical architecture JSON behind <see cref="OnnxMetadataKeys.ArchitectureHash"/>.</summary>
internal static class ArchitectureDescription
{
    /// <summary>
    /// <c>{"format":"mnist-sequential-model","formatVersion":1,"inputShape":[…],"layers":[{"type":…,"name":…,…config}]}</c>:
    /// the architecture part of the <c>model.json</c> that <see cref="SequentialModel.Save"/> writes (without
    /// <c>epochsTrained</c>, which is training state), compact, in the key order of <see cref="Layer.GetConfig"/>.
    /// </summary>
    public static JsonObject ToJson(SequentialModel model)
    {
        var layers = new JsonArray();
        foreach (var info in model.Layers)
        {
            var layer = new JsonObject { ["type"] = info.TypeName, ["name"] = info.Name };
            foreach (var (key, value) in info.Layer.GetConfig() ?? new JsonObject()) layer[key] = value?.DeepClone();
            layers.Add(layer);
        }

        return new JsonObject
        {
            ["format"] = SequentialModel.ModelFileFormat,
            ["formatVersion"] = SequentialModel.ModelFileVersion,
            ["inputShape"] = new JsonArray(model.InputShape.Dimensions.Select(d => (JsonNode?)d).ToArray()),
            ["layers"] = layers,
        };
    }

    /// <summary>
    /// <c>{"combination":…,"weights":[…],"members":[architecture JSON, …]}</c> for an ensemble.
    /// </summary>
    public static JsonObject ToJson(ModelEnsemble ensemble) => new()
    {
        ["combination"] = ensemble.Combination.ToString(),
        ["weights"] = new JsonArray(ensemble.Weights.Select(w => (JsonNode?)w).ToArray()),
        ["members"] = new JsonArray(ensemble.Members.Select(m => (JsonNode?)ToJson(m.Model)).ToArray()),
    };

    /// <summary>Lower-case hexadecimal SHA-256 of the UTF-8 compact JSON.</summary>
    public static string Hash(JsonObject json) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(json.ToJsonString()))).ToLowerInvariant();
}
