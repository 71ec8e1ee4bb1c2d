namespace Mnist.Onnx;

/// <summary>
/// How <see cref="OnnxExport"/> writes a model. Mutable, with documented defaults; validated (<see cref="Validate"/>) and
/// copied (<see cref="Clone"/>) when an export starts, so changing it afterwards does not affect that export.
/// </summary>
public sealed class OnnxExportOptions
{
    /// <summary>The default <see cref="ProducerName"/>: <c>Mnist.Onnx</c>.</summary>
    public const string DefaultProducerName = "Mnist.Onnx";

    /// <summary>
    /// The model's <c>producer_name</c>. Default <see cref="DefaultProducerName"/>. The <c>producer_version</c> is always
    /// the library's version (<see cref="OnnxMetadataKeys.LibraryVersion"/>).
    /// </summary>
    public string ProducerName { get; set; } = DefaultProducerName;

    /// <summary>
    /// The model's <c>doc_string</c>, a free description; default <see langword="null"/>: a generated one (the kind of
    /// model, its input and its classes).
    /// </summary>
    public string? Description { get; set; }

    /// <summary>
    /// The class names in output order, stored under <see cref="OnnxMetadataKeys.ClassNames"/>, e.g. a dataset's
    /// <c>ClassNames</c>. Default <see langword="null"/>: the model's own <c>ClassNames</c> (<c>"0"</c> … <c>"C−1"</c> unless the builder named them). When set, there must be exactly one
    /// per class of the model (checked by the export).
    /// </summary>
    public IReadOnlyList<string>? ClassNames { get; set; }

    /// <summary>
    /// Extra <c>metadata_props</c> entries (e.g. a training run id), written after the library's own in key order.
    /// Keys must be non-empty and must not start with <see cref="OnnxMetadataKeys.ReservedPrefix"/>; values must not be
    /// <see langword="null"/>. Default: empty.
    /// </summary>
    public IDictionary<string, string> Metadata { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it and says why.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ProducerName))
            throw new ArgumentException("ProducerName must be a non-empty name, e.g. the default \"Mnist.Onnx\".", nameof(ProducerName));
        if (ClassNames is { } names)
        {
            if (names.Count == 0) throw new ArgumentException("ClassNames is empty; give one name per class or leave it null for \"0\", \"1\", ….", nameof(ClassNames));
            for (int i = 0; i < names.Count; i++)
            {
                if (names[i] is null) throw new ArgumentException($"ClassNames[{i}] is null; every class needs a name.", nameof(ClassNames));
            }
        }

        if (Metadata is null) throw new ArgumentException("Metadata must not be null; use an empty dictionary.", nameof(Metadata));
        foreach (var (key, value) in Metadata)
        {
            if (string.IsNullOrEmpty(key)) throw new ArgumentException("A Metadata key is empty.", nameof(Metadata));
            if (key.StartsWith(OnnxMetadataKeys.ReservedPrefix, StringComparison.Ordinal))
                throw new ArgumentException($"The Metadata key '{key}' starts with the reserved prefix '{OnnxMetadataKeys.ReservedPrefix}', which the library's own entries use; choose another key.", nameof(Metadata));
            if (value is null) throw new ArgumentException($"The value of Metadata key '{key}' is null.", nameof(Metadata));
        }
    }

    /// <summary>A deep copy (the class names and the metadata dictionary are copied too).</summary>
    public OnnxExportOptions Clone() => new()
    {
        ProducerName = ProducerName,
        Description = Description,
        ClassNames = ClassNames?.ToArray(),
        Metadata = Metadata is null ? null! : new Dictionary<string, string>(Metadata, StringComparer.Ordinal),
    };
}
