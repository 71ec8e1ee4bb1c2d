using Mnist.Data;
using Mnist.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Tests.Ensemble;

/// <summary>
/// Tiny models with hand-set weights whose outputs are known exactly: 2×2 images → Flatten → Dense(3) (softmax applied by
/// PredictProba), so logits = W·x + b. <see cref="Reference"/> is an independent double-precision implementation.
/// </summary>
internal static class FixedModels
{
    public const int Classes = 3;

    public static SequentialModel Linear(float[,] weight, float[] bias, int? seed = null)
    {
        var model = Sequential.Input(1, 2, 2).Flatten().Dense(Classes, Activation.Softmax, name: "out").Build(new ModelOptions { Seed = seed });
        using var _ = no_grad();
        foreach (var (name, parameter) in model.Network.state_dict())
        {
            if (name.EndsWith(".weight", StringComparison.Ordinal))
            {
                using var w = tensor(weight.Cast<float>().ToArray(), [Classes, 4]);
                parameter.copy_(w);
            }
            else if (name.EndsWith(".bias", StringComparison.Ordinal))
            {
                using var b = tensor(bias);
                parameter.copy_(b);
            }
        }

        return model;
    }

    /// <summary>A model that outputs softmax(<paramref name="logits"/>) for every input (zero weights).</summary>
    public static SequentialModel Constant(params float[] logits) => Linear(new float[Classes, 4], logits);

    /// <summary>softmax(W·x + b) in double precision, x = the image's pixels in row-major order.</summary>
    public static double[] Reference(float[,] weight, float[] bias, ReadOnlySpan<byte> image)
    {
        var logits = new double[Classes];
        for (int c = 0; c < Classes; c++)
        {
            logits[c] = bias[c];
            for (int p = 0; p < 4; p++) logits[c] += weight[c, p] * image[p];
        }

        return Softmax(logits);
    }

    public static double[] Softmax(params double[] logits)
    {
        double max = logits.Max();
        var e = logits.Select(l => Math.Exp(l - max)).ToArray();
        double total = e.Sum();
        return e.Select(v => v / total).ToArray();
    }

    /// <summary>Seven 2×2 images with labels in [0, 3).</summary>
    public static MnistDataset Images()
    {
        byte[] pixels =
        [
            0, 0, 0, 0,
            1, 2, 3, 4,
            4, 3, 2, 1,
            2, 0, 0, 2,
            0, 3, 3, 0,
            1, 1, 1, 1,
            4, 0, 4, 0,
        ];
        byte[] labels = [0, 1, 2, 0, 1, 2, 1];
        return new MnistDataset(pixels, labels, height: 2, width: 2, classNames: ["a", "b", "c"], name: "fixed");
    }

    public static readonly float[,] WeightA = { { 0.5f, -0.25f, 0f, 0.125f }, { -0.5f, 0.25f, 0.75f, 0f }, { 0f, 0f, -0.5f, 0.5f } };
    public static readonly float[] BiasA = [0.1f, -0.2f, 0.3f];
    public static readonly float[,] WeightB = { { -0.25f, 0.5f, 0.25f, 0f }, { 0.125f, 0f, -0.5f, 0.25f }, { 0.5f, -0.5f, 0f, 0.25f } };
    public static readonly float[] BiasB = [-0.4f, 0.2f, 0f];
}
