
namespace Mnist.Training;

/// <summary>Settings shared by <see cref="AdamOptions"/> and <see cref="AdamWOptions"/>.</summary>
public abstract class AdamFamilyOptions : OptimizerOptions
{
    /// <summary>Learning rate; default 0.001.</summary>
    public override double LearningRate { get; set; } = 0.001;

    /// <summary>Decay of the first-moment estimate; default 0.9.</summary>
    public double Beta1 { get; set; } = 0.9;

    /// <summary>Decay of the second-moment estimate; default 0.999.</summary>
    public double Beta2 { get; set; } = 0.999;

    /// <summary>Added to the denominator; default 1e-8.</summary>
    public double Epsilon { get; set; } = 1e-8;

    /// <summary>Weight decay (each optimiser documents its default and how it applies it).</summary>
    public abstract double WeightDecay { get; set; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Guard.MustBeInRangeExclusiveMax(Beta1, 0, 1);
        Guard.MustBeInRangeExclusiveMax(Beta2, 0, 1);
        Guard.MustBeFinitePositive(Epsilon);
        Guard.MustBeFiniteNonNegative(WeightDecay);
    }
}
