
namespace Mnist.Training;

/// <summary>
/// One-cycle policy (Smith; PyTorch <c>OneCycleLR</c> with cosine annealing): rises from max/<see cref="DivFactor"/> to
/// <see cref="MaxLearningRate"/> during the first <see cref="WarmupFraction"/> of training, then falls to
/// max/(<see cref="DivFactor"/>·<see cref="FinalDivFactor"/>), per batch.
/// </summary>
public sealed class OneCycleSchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="maxLearningRate">Peak learning rate.</param>
    /// <param name="totalEpochs">Length of the cycle in epochs.</param>
    /// <param name="warmupFraction">Fraction of the cycle spent rising, in (0, 1) (default 0.3).</param>
    /// <param name="divFactor">Initial lr = max / divFactor (default 25).</param>
    /// <param name="finalDivFactor">Final lr = initial / finalDivFactor (default 10⁴).</param>
    public OneCycleSchedule(double maxLearningRate, int totalEpochs, double warmupFraction = 0.3, double divFactor = 25, double finalDivFactor = 1e4)
    {
        Guard.MustBeFinitePositive(maxLearningRate);
        Guard.MustBePositive(totalEpochs);
        if (!(warmupFraction > 0 && warmupFraction < 1)) throw new ArgumentOutOfRangeException(nameof(warmupFraction), warmupFraction, "warmupFraction must be in (0, 1).");
        Guard.MustBeFinitePositive(divFactor);
        Guard.MustBeFinitePositive(finalDivFactor);
        MaxLearningRate = maxLearningRate;
        TotalEpochs = totalEpochs;
        WarmupFraction = warmupFraction;
        DivFactor = divFactor;
        FinalDivFactor = finalDivFactor;
    }

    /// <summary>Peak learning rate.</summary>
    public double MaxLearningRate { get; }

    /// <summary>Length of the cycle in epochs.</summary>
    public int TotalEpochs { get; }

    /// <summary>Fraction of the cycle spent rising.</summary>
    public double WarmupFraction { get; }

    /// <summary>Initial lr = max / this.</summary>
    public double DivFactor { get; }

    /// <summary>Final lr = initial / this.</summary>
    public double FinalDivFactor { get; }

    /// <inheritdoc />
    public double LearningRateAt(double epochProgress)
    {
        double start = MaxLearningRate / DivFactor, end = start / FinalDivFactor;
        double t = Math.Clamp(epochProgress / TotalEpochs, 0, 1);
        if (t <= WarmupFraction) return Cosine(start, MaxLearningRate, t / WarmupFraction);
        return Cosine(MaxLearningRate, end, (t - WarmupFraction) / (1 - WarmupFraction));
    }

    private static double Cosine(double from, double to, double fraction) => to + (from - to) * (1 + Math.Cos(Math.PI * fraction)) / 2;
}
