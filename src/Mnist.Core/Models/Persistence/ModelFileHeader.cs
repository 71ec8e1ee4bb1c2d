using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Mnist.Models;

/// <summary>
/// What a whole-model file says about its model in <c>model.json</c> — input shape, class names, epochs trained and the
/// stored layers — read by <see cref="ModelFile.ReadHeader(string, ModelLoadLimits?)"/> without building the network or
/// reading the weights, or returned by <see cref="ModelFile.Save(SequentialModel, string)"/> for the file it wrote.
/// Immutable.
/// </summary>
public sealed class ModelFileHeader
{
    private readonly JsonArray _layers;
    private readonly string[] _classNames;

    internal ModelFileHeader(TensorShape inputShape, JsonNode inputShapeJson, JsonArray layers, int epochsTrained, string[]? classNames)
    {
        InputShape = inputShape;
        _layers = (JsonArray)layers.DeepClone();
        EpochsTrained = epochsTrained;
        _classNames = classNames ?? [];
        // The architecture as stored, in compact JSON: equal for equal layers and settings (the normaliser's statistics
        // included), whatever the weights. Ensemble manifests record this hash of every member.
        ArchitectureSha256 = HashArchitecture(inputShapeJson, layers);
    }

    /// <summary>Per-sample input shape, e.g. (None, 1, 28, 28).</summary>
    public TensorShape InputShape { get; }

    /// <summary>The epochs the model had trained when it was saved (<see cref="SequentialModel.EpochsTrained"/>).</summary>
    public int EpochsTrained { get; }

    /// <summary>
    /// The class names the file stores, in class-index order; empty when it stores none (files written before class
    /// names existed, whose models get the default names "0", "1", …).
    /// </summary>
    public IReadOnlyList<string> ClassNames => _classNames;

    /// <summary>Number of stored layers.</summary>
    public int LayerCount => _layers.Count;

    /// <summary>
    /// Lower-case hex SHA-256 of the compact JSON <c>{"inputShape":[…],"layers":[…]}</c> as stored: files with equal input
    /// shapes and equal layers and settings (normaliser statistics included) have equal hashes, whatever their weights.
    /// </summary>
    public string ArchitectureSha256 { get; }

    /// <summary>
    /// A copy of the stored layer configurations, in order, as in <c>model.json</c>: each an object with <c>type</c>,
    /// <c>name</c> and the layer's settings (see <see cref="Layer.GetConfig"/>). Not checked against the layer types:
    /// <see cref="ModelFile.Load(string, ModelOptions?, ModelLoadLimits?, CustomLayers?)"/> does that.
    /// </summary>
    public JsonArray GetLayers() => (JsonArray)_layers.DeepClone();

    /// <summary>The definition of <see cref="ArchitectureSha256"/>: lower-case hex SHA-256 of the compact <c>{"inputShape":[…],"layers":[…]}</c>.</summary>
    internal static string HashArchitecture(JsonNode inputShape, JsonArray layers)
    {
        var architecture = new JsonObject { ["inputShape"] = inputShape.DeepClone(), ["layers"] = layers.DeepClone() };
        return Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(architecture.ToJsonString()))).ToLowerInvariant();
    }

    /// <summary>E.g. <c>(None, 1, 28, 28), 6 layers, 2 epochs trained</c>.</summary>
    public override string ToString() => $"{InputShape}, {LayerCount} layer{(LayerCount == 1 ? string.Empty : "s")}, {EpochsTrained} epoch{(EpochsTrained == 1 ? string.Empty : "s")} trained";
}
