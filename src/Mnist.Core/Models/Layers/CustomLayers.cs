using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace Mnist.Models;

/// <summary>
/// Creates a custom layer from what a whole-model file stores for it (Keras <c>custom_objects</c>).
/// </summary>
/// <param name="name">The stored layer name (pass it to the layer's constructor).</param>
/// <param name="config">
/// A private copy of the stored configuration without the reserved keys <c>type</c> and <c>name</c>. It comes from a file
/// and is not trusted: read it defensively. Any exception the factory throws (except
/// <see cref="OutOfMemoryException"/> and <see cref="OperationCanceledException"/>) is reported as a
/// <see cref="ModelFileException"/> that names the layer and quotes the configuration.
/// </param>
/// <returns>The layer, whose <see cref="Layer.TypeName"/> must be the registered type name and whose <see cref="Layer.Name"/> must be <paramref name="name"/>.</returns>
public delegate Layer CustomLayerFactory(string name, JsonObject config);

/// <summary>
/// An immutable, thread-safe registry of custom layer types for <see cref="SequentialModel.Load"/> and ensemble
/// loading: it maps a <see cref="Layer.TypeName"/> to the factory that recreates the layer from its
/// <see cref="Layer.GetConfig"/>. Start from <see cref="Empty"/> and add types with <see cref="Add"/>, which returns a
/// new registry. The names of built-in layers (<see cref="BuiltInTypeNames"/>) cannot be registered.
/// </summary>
public sealed class CustomLayers
{
    private readonly ImmutableDictionary<string, CustomLayerFactory> _factories;

    private CustomLayers(ImmutableDictionary<string, CustomLayerFactory> factories) => _factories = factories;

    /// <summary>The registry without custom types.</summary>
    public static CustomLayers Empty { get; } = new(ImmutableDictionary.Create<string, CustomLayerFactory>(StringComparer.Ordinal));

    /// <summary>The type names of the library's layers, which whole-model files store and read without registration.</summary>
    public static IReadOnlySet<string> BuiltInTypeNames { get; } = ImmutableHashSet.Create(StringComparer.Ordinal,
        "Conv2D", "BatchNormalization", "MaxPooling2D", "AveragePooling2D", "Flatten", "Dense", "Dropout", "Activation", "Normalize");

    /// <summary>The registered type names.</summary>
    public IEnumerable<string> TypeNames => _factories.Keys;

    /// <summary>A registry with this one's types and <paramref name="typeName"/>.</summary>
    /// <param name="typeName">The <see cref="Layer.TypeName"/> of the custom layer (case-sensitive).</param>
    /// <param name="factory">Recreates the layer from its stored name and configuration.</param>
    /// <exception cref="ArgumentException">The name is empty or white space, is a built-in type name, or is already registered.</exception>
    public CustomLayers Add(string typeName, CustomLayerFactory factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(typeName);
        ArgumentNullException.ThrowIfNull(factory);
        if (BuiltInTypeNames.Contains(typeName))
            throw new ArgumentException($"'{typeName}' is a built-in layer type and cannot be replaced; give the custom layer another TypeName.", nameof(typeName));
        if (_factories.ContainsKey(typeName))
            throw new ArgumentException($"A factory for '{typeName}' is already registered.", nameof(typeName));
        return new CustomLayers(_factories.Add(typeName, factory));
    }

    /// <summary>The factory registered for <paramref name="typeName"/>.</summary>
    /// <param name="typeName">A layer type name.</param>
    /// <param name="factory">The factory, or <see langword="null"/> when none is registered.</param>
    /// <returns>Whether a factory is registered.</returns>
    public bool TryGetFactory(string typeName, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CustomLayerFactory? factory) =>
        _factories.TryGetValue(typeName, out factory);
}
