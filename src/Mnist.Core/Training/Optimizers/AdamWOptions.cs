using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Mnist.Training;

/// <summary>AdamW (decoupled weight decay). Defaults: learning rate 0.001, β₁ 0.9, β₂ 0.999, ε 1e-8, weight decay 0.01.</summary>
public sealed class AdamWOptions : AdamFamilyOptions
{
    /// <summary>Decoupled weight decay; default 0.01.</summary>
    public override double WeightDecay { get; set; } = 0.01;

    /// <inheritdoc />
    public override AdamWOptions Clone() => (AdamWOptions)base.Clone();

    /// <inheritdoc />
    public override string Name => "AdamW";

    internal override optim.Optimizer Create(IEnumerable<Parameter> parameters) =>
        optim.AdamW(parameters, LearningRate, Beta1, Beta2, Epsilon, WeightDecay);
}
