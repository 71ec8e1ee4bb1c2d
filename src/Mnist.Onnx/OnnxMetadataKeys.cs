namespace Mnist.Onnx;

/// <summary>
/// The keys Mnist.Onnx writes into an exported model's <c>metadata_props</c> (read them back with
/// <see cref="OnnxModelInfo.Read(string, long)"/>). Lists are JSON arrays; numbers use the invariant culture and
/// round-trip exactly. Keys starting with <see cref="ReservedPrefix"/> are the library's; extra metadata from
/// <see cref="OnnxExportOptions.Metadata"/> must use other keys.
/// </summary>
public static class OnnxMetadataKeys
{
    /// <summary>The prefix of every key the library writes: <c>mnist.</c>.</summary>
    public const string ReservedPrefix = "mnist.";

    /// <summary>Version of this metadata layout: <c>1</c>.</summary>
    public const string MetadataVersion = "mnist.metadata_version";

    /// <summary>
    /// The number of <c>metadata_props</c> entries in the file, the library's and the extra ones; a reader that finds
    /// fewer knows the file was truncated.
    /// </summary>
    public const string MetadataCount = "mnist.metadata_count";

    /// <summary>
    /// Lower-case hexadecimal SHA-256 of the serialized graph (the bytes of <c>ModelProto.graph</c> as written: nodes and
    /// weights), so a reader detects corrupt or altered weights that would still parse.
    /// </summary>
    public const string GraphHash = "mnist.graph_sha256";

    /// <summary><c>model</c> (one <c>SequentialModel</c>) or <c>ensemble</c> (a <c>ModelEnsemble</c>).</summary>
    public const string Kind = "mnist.kind";

    /// <summary>The class names in output order, a JSON array of strings (default <c>["0", "1", …]</c>).</summary>
    public const string ClassNames = "mnist.class_names";

    /// <summary>The per-sample input shape without the batch dimension, a JSON array, e.g. <c>[1,28,28]</c>.</summary>
    public const string InputShape = "mnist.input_shape";

    /// <summary>The mean subtracted by the model's first <c>Normalize</c> layer (absent without one; for ensembles only when every member uses the same statistics).</summary>
    public const string NormalizerMean = "mnist.normalizer.mean";

    /// <summary>The standard deviation divided by in the model's first <c>Normalize</c> layer (absent without one).</summary>
    public const string NormalizerStandardDeviation = "mnist.normalizer.std";

    /// <summary>The informational version of the Mnist.Onnx assembly that wrote the file.</summary>
    public const string LibraryVersion = "mnist.library_version";

    /// <summary>
    /// Lower-case hexadecimal SHA-256 of the architecture (see <see cref="Models.ModelFile.ComputeArchitectureSha256"/>;
    /// for an ensemble, of its members' architectures, combination and weights).
    /// </summary>
    public const string ArchitectureHash = "mnist.architecture_sha256";

    /// <summary>Number of ensemble members (<c>1</c> for a single model).</summary>
    public const string MemberCount = "mnist.member_count";

    /// <summary>The ensemble's combination rule (<c>ArithmeticMean</c>, <c>WeightedMean</c>, <c>GeometricMean</c>); absent for a single model.</summary>
    public const string Combination = "mnist.combination";

    /// <summary>The ensemble members' weights as given (not normalised), a JSON array; absent for a single model.</summary>
    public const string MemberWeights = "mnist.member_weights";

    /// <summary>The key of a per-member value: <c>mnist.member.{number}.{name}</c> (1-based), e.g. <c>mnist.member.2.architecture_sha256</c>.</summary>
    /// <param name="memberNumber">1-based member number.</param>
    /// <param name="name">The per-member key: <c>architecture_sha256</c>, <c>normalizer.mean</c> or <c>normalizer.std</c>.</param>
    public static string Member(int memberNumber, string name) => $"mnist.member.{memberNumber}.{name}";
}
