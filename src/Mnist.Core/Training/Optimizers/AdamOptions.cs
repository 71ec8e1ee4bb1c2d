using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Mnist.Training;

/// <summary>Adam (Kingma &amp; Ba). Defaults as Keras: learning rate 0.001, β₁ 0.9, β₂ 0.999, ε 1e-8 (Keras 1), no weight decay.</summary>
public sealed class AdamOptions : AdamFamilyOptions
{
    /// <summary>L2 penalty added to the gradient; default 0.</summary>
    public override double WeightDecay { get; set; }

    /// <inheritdoc />
    public override AdamOptions Clone() => (AdamOptions)base.Clone();

    /// <inheritdoc />
    public override string Name => "Adam";

    internal override optim.Optimizer Create(IEnumerable<Parameter> parameters) =>
        optim.Adam(parameters, LearningRate, Beta1, Beta2, Epsilon, WeightDecay);
}
