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
    /// Batch-norm layers use epsilon 0.001 (Keras 1) and a moving-average momentum of 0.9 (<see cref="BatchNormMomentum"/>)
    /// instead of Keras' 0.99: the moving statistics only matter at inference, and 0.99 needs ~500 steps to forget their
    /// initial values, so short runs (a subset, one epoch) would evaluate badly; on a full 938-step epoch both agree.
    /// Weights are Glorot-uniform like Keras.
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

    /// <summary>The moving-average momentum (Keras convention) of the presets' batch-norm layers: 0.9.</summary>
    public const double BatchNormMomentum = 0.9;

    private static SequentialBuilder MiniNet(Normalizer normalizer, int classCount, bool widthQuirk)
    {
        ArgumentNullException.ThrowIfNull(normalizer);
        return Sequential.Input(1, 28, 28)
            .Normalize(normalizer)
            .Conv2D(32, 3, Activation.ReLU, ConvPadding.Same)
            .Conv2D(32, 3, Activation.ReLU, ConvPadding.Same)
            .MaxPool2D()
            .BatchNorm(momentum: BatchNormMomentum)
            .Conv2D(64, 3, Activation.ReLU, ConvPadding.Same)
            .BatchNorm(momentum: BatchNormMomentum)
            .Conv2D(64, 3, Activation.ReLU, ConvPadding.Same)
            .MaxPool2D()
            .BatchNorm(axis: widthQuirk ? -1 : null, momentum: BatchNormMomentum)
            .Flatten()
            .BatchNorm(momentum: BatchNormMomentum)
            .Dense(512, Activation.ReLU)
            .BatchNorm(momentum: BatchNormMomentum)
            .Dropout(0.5)
            .Dense(classCount, Activation.Softmax);
    }
}
