using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Mnist.Training;

/// <summary>Stochastic gradient descent with optional (Nesterov) momentum. Defaults as Keras: learning rate 0.01, no momentum.</summary>
public sealed class SgdOptions : OptimizerOptions
{
    /// <summary>Learning rate; default 0.01.</summary>
    public override double LearningRate { get; set; } = 0.01;

    /// <summary>Momentum in [0, 1); default 0.</summary>
    public double Momentum { get; set; }

    /// <summary>Use Nesterov momentum (needs <see cref="Momentum"/> &gt; 0); default false.</summary>
    public bool Nesterov { get; set; }

    /// <summary>L2 penalty; default 0.</summary>
    public double WeightDecay { get; set; }

    /// <inheritdoc />
    public override SgdOptions Clone() => (SgdOptions)base.Clone();

    /// <inheritdoc />
    public override string Name => "SGD";

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Guard.MustBeInRangeExclusiveMax(Momentum, 0, 1);
        Guard.MustBeFiniteNonNegative(WeightDecay);
        if (Nesterov && Momentum == 0) throw new ArgumentException("SGD: Nesterov momentum needs Momentum > 0.", nameof(Nesterov));
    }

    internal override optim.Optimizer Create(IEnumerable<Parameter> parameters) =>
        optim.SGD(parameters, LearningRate, Momentum, 0, WeightDecay, Nesterov);
}
