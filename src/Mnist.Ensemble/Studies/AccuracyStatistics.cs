namespace Mnist.Ensemble;

/// <summary>
/// Summary of accuracies over several runs: count, mean, sample standard deviation (n − 1 in the denominator; 0 for one
/// run), minimum and maximum. Tells a real gain (a difference of several standard errors, sd/√n) from seed noise.
/// </summary>
/// <param name="Count">Number of values.</param>
/// <param name="Mean">Arithmetic mean.</param>
/// <param name="StandardDeviation">Sample standard deviation.</param>
/// <param name="Min">Smallest value.</param>
/// <param name="Max">Largest value.</param>
public sealed record AccuracyStatistics(int Count, double Mean, double StandardDeviation, double Min, double Max)
{
    /// <summary>The standard error of the mean, sd/√n.</summary>
    public double StandardError => StandardDeviation / Math.Sqrt(Count);

    /// <summary>Summarises <paramref name="values"/>.</summary>
    /// <param name="values">At least one finite value.</param>
    /// <exception cref="ArgumentException">No values, or a value is not finite.</exception>
    public static AccuracyStatistics Of(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var list = values.ToArray();
        if (list.Length == 0) throw new ArgumentException("At least one value is needed.", nameof(values));
        if (list.Any(v => !double.IsFinite(v))) throw new ArgumentException("Every value must be finite.", nameof(values));
        double mean = list.Average();
        double sd = list.Length == 1 ? 0 : Math.Sqrt(list.Sum(v => (v - mean) * (v - mean)) / (list.Length - 1));
        return new AccuracyStatistics(list.Length, mean, sd, list.Min(), list.Max());
    }

    /// <summary>E.g. <c>0.99412 ± 0.00031 (sd, n = 5; 0.99370–0.99450)</c>.</summary>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Mean:F5} ± {StandardDeviation:F5} (sd, n = {Count}; {Min:F5}–{Max:F5})");
}
