using System.Text.Json.Nodes;

namespace Mnist.Models;

/// <summary>Typed reads from <c>model.json</c> that turn every missing, mistyped or out-of-range value into <see cref="ModelFileException"/>.</summary>
internal static class ModelJson
{
    /// <summary>The value of <paramref name="key"/> as <typeparamref name="T"/>.</summary>
    /// <exception cref="ModelFileException">The key is missing or null, or its value is not a <typeparamref name="T"/> (or does not fit one).</exception>
    public static T Get<T>(JsonObject json, string key, string path, string where)
    {
        var node = Node(json, key, path, where) ?? throw new ModelFileException(path, $"{where} lacks '{key}'.");
        return As<T>(node, key, path, where);
    }

    /// <summary>The value of <paramref name="key"/>, or <see langword="null"/> when it is absent or null.</summary>
    /// <exception cref="ModelFileException">The value is not a <typeparamref name="T"/> (or does not fit one).</exception>
    public static T? GetOptional<T>(JsonObject json, string key, string path, string where)
        where T : struct
    {
        var node = Node(json, key, path, where);
        return node is null ? null : As<T>(node, key, path, where);
    }

    /// <summary>Converts one node.</summary>
    /// <exception cref="ModelFileException">The value is not a <typeparamref name="T"/> (or does not fit one).</exception>
    public static T As<T>(JsonNode node, string key, string path, string where)
    {
        try
        {
            return node.GetValue<T>();
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or OverflowException or ArgumentException)
        {
            throw new ModelFileException(path, $"'{key}' of {where} is not a valid {Describe(typeof(T))}: {Excerpt(node)}", ex);
        }
    }

    /// <summary>The node of <paramref name="key"/>; duplicate keys are refused.</summary>
    public static JsonNode? Node(JsonObject json, string key, string path, string where)
    {
        try
        {
            return json[key];
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            throw new ModelFileException(path, $"{where} cannot be read ({ex.Message}).", ex);
        }
    }

    /// <summary>At most 200 characters of a node's JSON, for messages.</summary>
    public static string Excerpt(JsonNode? node)
    {
        string text = node?.ToJsonString() ?? "null";
        return text.Length <= 200 ? text : text[..200] + "…";
    }

    /// <summary>At most 200 characters of a text, for messages.</summary>
    public static string Excerpt(string text) => text.Length <= 200 ? text : text[..200] + "…";

    private static string Describe(Type type) => type == typeof(int) ? "32-bit integer" : type == typeof(double) || type == typeof(float) ? "finite number" : type.Name.ToLowerInvariant();
}
