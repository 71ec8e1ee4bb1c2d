using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Mnist.Training;

/// <summary>
/// Base of the optimiser options passed to <c>SequentialModel.Compile</c> and <c>SequentialBuilder.Compile</c>. Mutable,
/// with documented defaults; <c>Compile</c> clones and validates them, so later changes to this object do not affect a
/// compiled model or builder.
/// </summary>
public abstract class OptimizerOptions
{
    /// <summary>Initial learning rate (each optimiser documents its default).</summary>
    public abstract double LearningRate { get; set; }

    /// <summary>Short display name, e.g. "Adam".</summary>
    public abstract string Name { get; }

    /// <summary>Checks every value, naming the first invalid one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; <see cref="ArgumentException.ParamName"/> is the property's name.</exception>
    /// <exception cref="ArgumentException">Settings that need each other are inconsistent (<see cref="ArgumentException.ParamName"/> names one).</exception>
    public virtual void Validate()
    {
        if (!double.IsFinite(LearningRate) || LearningRate <= 0)
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, $"{Name}: LearningRate must be a finite positive number.");
    }

    /// <summary>An independent copy of these options (they hold only values), of the same type.</summary>
    public virtual OptimizerOptions Clone() => (OptimizerOptions)MemberwiseClone();

    /// <summary>A copy of these options with another learning rate.</summary>
    public OptimizerOptions WithLearningRate(double learningRate)
    {
        var copy = Clone();
        copy.LearningRate = learningRate;
        return copy;
    }

    /// <summary>Creates the TorchSharp optimiser over <paramref name="parameters"/>.</summary>
    internal abstract optim.Optimizer Create(IEnumerable<Parameter> parameters);
}
