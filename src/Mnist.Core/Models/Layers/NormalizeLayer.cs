using System.Text.Json.Nodes;
using Mnist.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Models;

/// <summary>
/// The notebook's <c>Lambda(norm_input)</c> as a first-class layer: (x − mean) / std with dataset-wide statistics on the
/// input's scale (0–255 for raw pixels). It has no weights; whole-model files store its statistics, so a loaded model
/// takes raw pixels like the original.
/// </summary>
public sealed class NormalizeLayer : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="mean">Mean to subtract.</param>
    /// <param name="standardDeviation">Standard deviation to divide by (positive).</param>
    /// <param name="name">Layer name, or automatic.</param>
    public NormalizeLayer(float mean, float standardDeviation, string? name = null)
        : base(name)
    {
        if (!float.IsFinite(mean)) throw new ArgumentOutOfRangeException(nameof(mean), mean, "mean must be finite.");
        Guard.MustBeFinitePositive(standardDeviation);
        Mean = mean;
        StandardDeviation = standardDeviation;
    }

    /// <summary>Mean subtracted from every input value.</summary>
    public float Mean { get; }

    /// <summary>Standard deviation every centred value is divided by.</summary>
    public float StandardDeviation { get; }

    /// <inheritdoc />
    public override string TypeName => "Normalize";

    /// <inheritdoc />
    public override TensorShape ComputeOutputShape(TensorShape input) => input;

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> CreateModule(TensorShape input, bool includeTrailingActivation = true) => new NormalizeModule(Mean, StandardDeviation);

    /// <inheritdoc />
    public override IReadOnlyList<StateTensor> ExpectedState(TensorShape input, bool includeTrailingActivation) => [];

    /// <inheritdoc />
    public override JsonObject GetConfig() => new() { ["mean"] = Mean, ["standardDeviation"] = StandardDeviation };
}
