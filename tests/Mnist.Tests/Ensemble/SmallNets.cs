using Mnist.Data;
using Mnist.Models;

namespace Mnist.Tests.Ensemble;

/// <summary>Small MNIST architectures that train in about a second on a few thousand images.</summary>
internal static class SmallNets
{
    /// <summary>Normalize → Conv2D(8, 3, relu) → MaxPool2D → BatchNorm(momentum 0.9, so the moving statistics settle within one short epoch) → Flatten → Dense(10, softmax).</summary>
    public static SequentialBuilder Conv(Normalizer normalizer) =>
        Sequential.Input(1, 28, 28)
            .Normalize(normalizer)
            .Conv2D(8, 3, Activation.ReLU)
            .MaxPool2D()
            .BatchNorm(momentum: 0.9)
            .Flatten()
            .Dense(10, Activation.Softmax);

    /// <summary>Normalize → Flatten → Dense(10, softmax) (multinomial logistic regression).</summary>
    public static SequentialBuilder Linear(Normalizer normalizer) =>
        Sequential.Input(1, 28, 28).Normalize(normalizer).Flatten().Dense(10, Activation.Softmax);
}
