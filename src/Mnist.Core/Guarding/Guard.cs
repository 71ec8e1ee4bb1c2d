using System.Runtime.CompilerServices;

namespace Mnist;

/// <summary>ImageSharp-style argument checks that name the offending parameter and value.</summary>
internal static class Guard
{
    public static void MustBePositive(int value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive; got {value}.");
    }

    public static void MustBeNonNegative(int value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value < 0) throw new ArgumentOutOfRangeException(name, value, $"{name} must not be negative; got {value}.");
    }

    public static void MustBeFinitePositive(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!double.IsFinite(value) || value <= 0) throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite positive number; got {value}.");
    }

    public static void MustBeFiniteNonNegative(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!double.IsFinite(value) || value < 0) throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number ≥ 0; got {value}.");
    }

    public static void MustBeInRange(double value, double min, double max, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (double.IsNaN(value) || value < min || value > max)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [{min}, {max}]; got {value}.");
    }

    public static void MustBeInRangeExclusiveMax(double value, double min, double max, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (double.IsNaN(value) || value < min || value >= max)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [{min}, {max}); got {value}.");
    }

    public static void MustBeDefined<TEnum>(TEnum value, [CallerArgumentExpression(nameof(value))] string? name = null)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value)) throw new ArgumentOutOfRangeException(name, value, $"{name} has the undefined value {value}.");
    }
}
