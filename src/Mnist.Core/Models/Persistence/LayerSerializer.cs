using System.Text.Json.Nodes;
using Mnist.Models;

namespace Mnist.Models;

/// <summary>Turns layer descriptions into JSON and back, for whole-model files: built-in types directly, custom ones through <see cref="CustomLayers"/>.</summary>
internal static class LayerSerializer
{
    public static JsonObject ToJson(LayerInfo info)
    {
        var config = info.Layer.GetConfig()
            ?? throw new NotSupportedException(
                $"Layer '{info.Name}' ({info.TypeName}) has no configuration (Layer.GetConfig returns null) and cannot be stored in a model file. Save the weights with SaveWeights and rebuild the architecture in code before LoadWeights, or give the layer class a GetConfig and ExpectedState and register it in CustomLayers for Load.");
        bool builtIn = info.Layer.GetType().Assembly == typeof(Layer).Assembly;
        if (!builtIn && CustomLayers.BuiltInTypeNames.Contains(info.TypeName))
            throw new NotSupportedException($"Layer '{info.Name}' is a custom layer with the built-in type name '{info.TypeName}'; give it another TypeName to store it.");
        if (config.ContainsKey("type") || config.ContainsKey("name"))
            throw new NotSupportedException($"The configuration of layer '{info.Name}' ({info.TypeName}) uses the reserved key 'type' or 'name'.");
        var json = new JsonObject { ["type"] = info.TypeName, ["name"] = info.Name };
        foreach (var (key, value) in config) json[key] = value?.DeepClone();
        return json;
    }

    public static Layer FromJson(JsonObject json, string path, CustomLayers customLayers)
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
                _ => FromCustom(json, type, name, path, customLayers),
            };
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException or OverflowException)
        {
            throw new ModelFileException(path, $"Layer '{ModelJson.Excerpt(name)}' ({ModelJson.Excerpt(type)}) has an invalid configuration: {ex.Message}", ex);
        }
    }

    private static Layer FromCustom(JsonObject json, string type, string name, string path, CustomLayers customLayers)
    {
        if (!customLayers.TryGetFactory(type, out var factory))
            throw new ModelFileException(path,
                $"Layer '{ModelJson.Excerpt(name)}' has type '{ModelJson.Excerpt(type)}', which is neither built in nor registered. If it is your custom layer, pass CustomLayers.Empty.Add(\"{ModelJson.Excerpt(type)}\", (name, config) => new YourLayer(…)) to Load.");
        var config = new JsonObject();
        foreach (var (key, value) in json)
        {
            if (key is not "type" and not "name") config[key] = value?.DeepClone();
        }

        Layer? layer;
        try
        {
            layer = factory(name, config);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not ModelFileException and not OperationCanceledException)
        {
            // The configuration comes from the file: whatever a factory trips over in it is a file error.
            throw new ModelFileException(path, $"Layer '{ModelJson.Excerpt(name)}' ({ModelJson.Excerpt(type)}) has a configuration its registered factory refuses ({ex.GetType().Name}: {ex.Message}): {ModelJson.Excerpt(config)}", ex);
        }

        if (layer is null)
            throw new ModelFileException(path, $"The factory registered for '{ModelJson.Excerpt(type)}' returned null for layer '{ModelJson.Excerpt(name)}'.");
        if (layer.TypeName != type || layer.Name != name)
            throw new ModelFileException(path,
                $"The factory registered for '{ModelJson.Excerpt(type)}' returned a layer '{ModelJson.Excerpt(layer.Name ?? "(automatic)")}' of type '{ModelJson.Excerpt(layer.TypeName)}' for layer '{ModelJson.Excerpt(name)}': it must keep the stored type and name.");
        return layer;
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
