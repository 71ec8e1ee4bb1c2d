using Mnist.Guarding;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Mnist.Training.Optimizers;

/// <summary>AdamW (decoupled weight decay). Defaults: learning rate 0.001, β₁ 0.9, β₂ 0.999, ε 1e-8, weight decay 0.01.</summary>
public sealed class AdamWOptions : OptimizerOptions
{
    /// <summary>Learning rate; default 0.001.</summary>
    public override double LearningRate { get; set; } = 0.001;

    /// <summary>Decay of the first-moment estimate; default 0.9.</summary>
    public double Beta1 { get; set; } = 0.9;

    /// <summary>Decay of the second-moment estimate; default 0.999.</summary>
    public double Beta2 { get; set; } = 0.999;

    /// <summary>Added to the denominator; default 1e-8.</summary>
    public double Epsilon { get; set; } = 1e-8;

    /// <summary>Decoupled weight decay; default 0.01.</summary>
    public double WeightDecay { get; set; } = 0.01;

    /// <inheritdoc />
    public override string Name => "AdamW";

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Guard.MustBeInRangeExclusiveMax(Beta1, 0, 1);
        Guard.MustBeInRangeExclusiveMax(Beta2, 0, 1);
        Guard.MustBeFinitePositive(Epsilon);
        Guard.MustBeFiniteNonNegative(WeightDecay);
    }

    internal override optim.Optimizer Create(IEnumerable<Parameter> parameters) =>
        optim.AdamW(parameters, LearningRate, Beta1, Beta2, Epsilon, WeightDecay);
}
