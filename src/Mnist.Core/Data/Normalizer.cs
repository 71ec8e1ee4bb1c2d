using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using MathNet.Numerics.Statistics;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Data;

/// <summary>
/// Dataset-wide standardisation of pixels, <c>(x − mean) / std</c>, with one mean and one population standard deviation
/// over all pixels of the training set (the Keras notebook's <c>norm_input</c>; for MNIST about 33.3184 and 78.5675 on
/// the 0–255 scale). Immutable; serialise it with <see cref="ToJson"/> so a saved model carries its statistics.
/// </summary>
public sealed class Normalizer
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = false };

    /// <summary>Creates a normaliser with known statistics.</summary>
    /// <param name="mean">The mean to subtract (finite).</param>
    /// <param name="standardDeviation">The standard deviation to divide by (finite, positive).</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is not finite or the deviation is not positive.</exception>
    [JsonConstructor]
    public Normalizer(float mean, float standardDeviation)
    {
        if (!float.IsFinite(mean)) throw new ArgumentOutOfRangeException(nameof(mean), mean, "The mean must be finite.");
        if (!float.IsFinite(standardDeviation) || standardDeviation <= 0)
            throw new ArgumentOutOfRangeException(nameof(standardDeviation), standardDeviation, "The standard deviation must be finite and positive.");
        Mean = mean;
        StandardDeviation = standardDeviation;
    }

    /// <summary>The mean subtracted from every pixel.</summary>
    [JsonPropertyName("mean")]
    public float Mean { get; }

    /// <summary>The population standard deviation every centred pixel is divided by.</summary>
    [JsonPropertyName("standardDeviation")]
    public float StandardDeviation { get; }

    /// <summary>
    /// Fits mean and population standard deviation over every pixel of <paramref name="training"/> (fit on the training
    /// set only, then apply the same statistics to validation and test data).
    /// </summary>
    /// <remarks>
    /// Pixels are bytes, so the 47 million MNIST pixels are first counted into a 256-bin histogram (one pass, no
    /// floating point); MathNet's <see cref="RunningWeightedStatistics"/> then takes each byte value weighted by its
    /// count. For frequency weights its weighted population variance Σw(x−μ)²/Σw is exactly the population variance of
    /// the pixels, computed in double from 256 terms instead of 47 million.
    /// </remarks>
    /// <param name="training">The training set.</param>
    /// <exception cref="ArgumentException">The dataset is empty or every pixel has the same value (standard deviation 0).</exception>
    public static Normalizer Fit(MnistDataset training)
    {
        ArgumentNullException.ThrowIfNull(training);
        if (training.Count == 0) throw new ArgumentException("Cannot fit a normaliser on an empty dataset.", nameof(training));
        return FitPixels(training.Pixels.Span, training.Name);
    }

    /// <summary>Fits mean and population standard deviation over raw pixel bytes (see <see cref="Fit(MnistDataset)"/>).</summary>
    /// <param name="pixels">Pixel values 0–255.</param>
    /// <param name="sourceName">Name used in error messages.</param>
    /// <exception cref="ArgumentException">No pixels, or all pixels are equal.</exception>
    public static Normalizer FitPixels(ReadOnlySpan<byte> pixels, string sourceName = "pixels")
    {
        if (pixels.IsEmpty) throw new ArgumentException("Cannot fit a normaliser on no pixels.", nameof(pixels));
        long[] histogram = Histogram(pixels);
        var stats = new RunningWeightedStatistics();
        for (int value = 0; value < histogram.Length; value++)
        {
            if (histogram[value] > 0) stats.Push(weight: histogram[value], value: value);
        }

        double std = stats.PopulationStandardDeviation;
        if (!(std > 0))
        {
            throw new ArgumentException($"Every pixel of {sourceName} has the value {stats.Mean.ToString(CultureInfo.InvariantCulture)}; a standard deviation of 0 cannot normalise.", nameof(pixels));
        }

        return new Normalizer((float)stats.Mean, (float)std);
    }

    /// <summary>Counts each byte value (index = value).</summary>
    /// <param name="pixels">Pixel values.</param>
    public static long[] Histogram(ReadOnlySpan<byte> pixels)
    {
        // Four interleaved count arrays avoid the store-to-load stalls of consecutive equal bytes (mostly 0 here).
        Span<int> c0 = stackalloc int[256], c1 = stackalloc int[256], c2 = stackalloc int[256], c3 = stackalloc int[256];
        var result = new long[256];
        const int Block = 1 << 24; // flush before an int counter could overflow
        for (int start = 0; start < pixels.Length; start += Block)
        {
            var block = pixels.Slice(start, Math.Min(Block, pixels.Length - start));
            c0.Clear(); c1.Clear(); c2.Clear(); c3.Clear();
            int i = 0;
            for (; i + 4 <= block.Length; i += 4)
            {
                c0[block[i]]++;
                c1[block[i + 1]]++;
                c2[block[i + 2]]++;
                c3[block[i + 3]]++;
            }

            for (; i < block.Length; i++) c0[block[i]]++;
            for (int v = 0; v < 256; v++) result[v] += (long)c0[v] + c1[v] + c2[v] + c3[v];
        }

        return result;
    }

    /// <summary>Writes <c>(pixel − mean) / std</c> for every byte of <paramref name="pixels"/> into <paramref name="destination"/>.</summary>
    /// <param name="pixels">Pixel values 0–255.</param>
    /// <param name="destination">At least as long as <paramref name="pixels"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public void Transform(ReadOnlySpan<byte> pixels, Span<float> destination)
    {
        if (destination.Length < pixels.Length)
            throw new ArgumentException($"The destination holds {destination.Length} values; {pixels.Length} are needed.", nameof(destination));
        Span<float> table = stackalloc float[256];
        for (int v = 0; v < 256; v++) table[v] = (v - Mean) / StandardDeviation;
        for (int i = 0; i < pixels.Length; i++) destination[i] = table[pixels[i]];
    }

    /// <summary>Writes <c>value × std + mean</c> (the 0–255 scale back) for every value of <paramref name="normalized"/>.</summary>
    /// <param name="normalized">Normalised values.</param>
    /// <param name="destination">At least as long as <paramref name="normalized"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public void InverseTransform(ReadOnlySpan<float> normalized, Span<float> destination)
    {
        if (destination.Length < normalized.Length)
            throw new ArgumentException($"The destination holds {destination.Length} values; {normalized.Length} are needed.", nameof(destination));
        for (int i = 0; i < normalized.Length; i++) destination[i] = normalized[i] * StandardDeviation + Mean;
    }

    /// <summary>A new float32 tensor <c>(x − mean) / std</c> of the same shape (any numeric dtype in, on any device). The caller owns it.</summary>
    /// <param name="input">Pixels on the 0–255 scale.</param>
    public Tensor Transform(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        TorchRuntime.EnsureInitialized();
        using var scope = NewDisposeScope();
        using Scalar mean = ((double)Mean).ToScalar(), deviation = ((double)StandardDeviation).ToScalar(); // disposed here, not by the finaliser mid-call
        var result = input.to_type(ScalarType.Float32).sub(mean).div_(deviation);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>A new float32 tensor <c>x × std + mean</c>: normalised values back on the 0–255 scale, e.g. for display. The caller owns it.</summary>
    /// <param name="input">Normalised values.</param>
    public Tensor InverseTransform(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        TorchRuntime.EnsureInitialized();
        using var scope = NewDisposeScope();
        using Scalar mean = ((double)Mean).ToScalar(), deviation = ((double)StandardDeviation).ToScalar();
        var result = input.to_type(ScalarType.Float32).mul(deviation).add_(mean);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>The statistics as JSON, e.g. <c>{"mean":33.318421,"standardDeviation":78.56749}</c>; floats round-trip exactly.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Reads statistics written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <exception cref="JsonException">The text is not such JSON, or a value is missing or invalid.</exception>
    public static Normalizer FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("mean", out var mean) || !root.TryGetProperty("standardDeviation", out var std))
                throw new JsonException("Normalizer JSON needs the numbers \"mean\" and \"standardDeviation\".");
            return new Normalizer(mean.GetSingle(), std.GetSingle());
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or InvalidOperationException or FormatException)
        {
            throw new JsonException($"Invalid normalizer JSON: {ex.Message}", ex);
        }
    }

    /// <summary>"Normalizer(mean=…, std=…)".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Normalizer(mean={Mean}, std={StandardDeviation})");
}
