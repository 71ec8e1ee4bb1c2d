using Mnist.Data;

namespace Mnist.Models.Presets;

/// <summary>Ready-made architectures, as builders to build (or extend) yourself.</summary>
public static class KnownModels
{
    /// <summary>
    /// The 2017 notebook's <c>miniNet</c> (Keras 1, Theano ordering), exactly: 1,683,768 trainable parameters.
    /// <code>
    /// Normalize → Conv2D(32, 3, same, relu) → Conv2D(32, 3, same, relu) → MaxPool2D → BatchNorm(channels)
    /// → Conv2D(64, 3, same, relu) → BatchNorm(channels) → Conv2D(64, 3, same, relu) → MaxPool2D
    /// → BatchNorm(axis: −1)  ← Keras 1's default axis on (64, 7, 7): normalises the width (7 features, 14 parameters)
    /// → Flatten → BatchNorm → Dense(512, relu) → BatchNorm → Dropout(0.5) → Dense(10, softmax)
    /// </code>
    /// Batch-norm layers use Keras 1's defaults (momentum 0.99, epsilon 0.001); weights are Glorot-uniform like Keras.
    /// The layer list is reconstructed from the notebook's published summary (parameter total and output shapes).
    /// </summary>
    /// <param name="normalizer">Statistics of the training set (<see cref="Normalizer.Fit"/>); the model takes raw 0–255 pixels.</param>
    /// <param name="classCount">Number of classes (default 10).</param>
    public static SequentialBuilder NotebookMiniNet(Normalizer normalizer, int classCount = 10) => MiniNet(normalizer, classCount, widthQuirk: true);

    /// <summary>
    /// The sensible variant of <see cref="NotebookMiniNet"/>: the batch norm before <c>Flatten</c> normalises the 64
    /// channels instead of the image width (1,683,882 trainable parameters); everything else is identical.
    /// </summary>
    /// <param name="normalizer">Statistics of the training set; the model takes raw 0–255 pixels.</param>
    /// <param name="classCount">Number of classes (default 10).</param>
    public static SequentialBuilder ImprovedMiniNet(Normalizer normalizer, int classCount = 10) => MiniNet(normalizer, classCount, widthQuirk: false);

    private static SequentialBuilder MiniNet(Normalizer normalizer, int classCount, bool widthQuirk)
    {
        ArgumentNullException.ThrowIfNull(normalizer);
        return Sequential.Input(1, 28, 28)
            .Normalize(normalizer)
            .Conv2D(32, 3, Activation.ReLU, Padding.Same)
            .Conv2D(32, 3, Activation.ReLU, Padding.Same)
            .MaxPool2D()
            .BatchNorm()
            .Conv2D(64, 3, Activation.ReLU, Padding.Same)
            .BatchNorm()
            .Conv2D(64, 3, Activation.ReLU, Padding.Same)
            .MaxPool2D()
            .BatchNorm(axis: widthQuirk ? -1 : null)
            .Flatten()
            .BatchNorm()
            .Dense(512, Activation.ReLU)
            .BatchNorm()
            .Dropout(0.5)
            .Dense(classCount, Activation.Softmax);
    }
}
