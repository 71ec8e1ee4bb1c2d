using System.Text.Json.Nodes;
using Mnist.Models.Layers;

namespace Mnist.Models.Persistence;

/// <summary>Turns built-in layer descriptions into JSON and back, for whole-model files.</summary>
internal static class LayerSerializer
{
    public static JsonObject ToJson(LayerInfo info)
    {
        var config = info.Layer.ToJson()
            ?? throw new NotSupportedException(
                $"Layer '{info.Name}' ({info.TypeName}) holds code and cannot be stored in a model file. Save the weights with SaveWeights and rebuild the architecture in code before LoadWeights.");
        var json = new JsonObject { ["type"] = info.TypeName, ["name"] = info.Name };
        foreach (var (key, value) in config) json[key] = value?.DeepClone();
        return json;
    }

    public static Layer FromJson(JsonObject json, string path)
    {
        string type = Get<string>(json, "type", path);
        string name = Get<string>(json, "name", path);
        string where = $"layer '{ModelJson.Excerpt(name)}'";
        try
        {
            return type switch
            {
                "Conv2D" => new Conv2DLayer(Get<int>(json, "filters", path), Get<int>(json, "kernelSize", path), Get<int>(json, "stride", path),
                    Enum.Parse<ConvPadding>(Get<string>(json, "padding", path)), Enum.Parse<Activation>(Get<string>(json, "activation", path)), Get<bool>(json, "useBias", path), name),
                "BatchNormalization" => new BatchNormLayer(ModelJson.GetOptional<int>(json, "axis", path, where), Get<double>(json, "momentum", path), Get<double>(json, "epsilon", path), name),
                "MaxPooling2D" or "AveragePooling2D" => new Pool2DLayer(Enum.Parse<PoolingKind>(Get<string>(json, "kind", path)), Get<int>(json, "poolSize", path), Get<int>(json, "stride", path), name),
                "Flatten" => new FlattenLayer(name),
                "Dense" => new DenseLayer(Get<int>(json, "units", path), Enum.Parse<Activation>(Get<string>(json, "activation", path)), Get<bool>(json, "useBias", path), name),
                "Dropout" => new DropoutLayer(Get<double>(json, "rate", path), name),
                "Activation" => new ActivationLayer(Enum.Parse<Activation>(Get<string>(json, "activation", path)), name),
                "Normalize" => new NormalizeLayer(Get<float>(json, "mean", path), Get<float>(json, "standardDeviation", path), name),
                _ => throw new ModelFileException(path, $"Layer '{ModelJson.Excerpt(name)}' has unknown type '{ModelJson.Excerpt(type)}'."),
            };
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException or OverflowException)
        {
            throw new ModelFileException(path, $"Layer '{ModelJson.Excerpt(name)}' ({ModelJson.Excerpt(type)}) has an invalid configuration: {ex.Message}", ex);
        }
    }

    private static T Get<T>(JsonObject json, string key, string path)
    {
        var node = ModelJson.Node(json, key, path, "a layer entry") ?? throw new ModelFileException(path, $"A layer entry lacks '{key}': {ModelJson.Excerpt(json)}");
        try
        {
            return node.GetValue<T>();
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or OverflowException or ArgumentException)
        {
            throw new ModelFileException(path, $"'{key}' of a layer entry is not a valid {typeof(T).Name}: {ModelJson.Excerpt(node)}", ex);
        }
    }
}
