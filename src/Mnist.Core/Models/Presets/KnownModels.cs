using Mnist.Data;
using Mnist.Training;

namespace Mnist.Models;

/// <summary>Ready-made architectures, as builders to build (or extend) yourself.</summary>
public static class KnownModels
{
    /// <summary>The notebook's learning rate: <c>miniNet</c> compiles <c>Adam(lr=0.01)</c>.</summary>
    public const double NotebookLearningRate = 0.01;

    /// <summary>Keras 1.1's <c>BatchNormalization</c> default epsilon (1e-5), which the notebook's layers use.</summary>
    public const double NotebookBatchNormEpsilon = 1e-5;

    /// <summary>Keras 1.1's <c>BatchNormalization</c> default momentum (0.99, Keras convention), which the notebook's layers use.</summary>
    public const double NotebookBatchNormMomentum = 0.99;

    /// <summary>The moving-average momentum (Keras convention) of <see cref="ImprovedMiniNet"/>'s batch-norm layers: 0.9.</summary>
    public const double ImprovedBatchNormMomentum = 0.9;

    /// <summary>The epsilon of <see cref="ImprovedMiniNet"/>'s batch-norm layers: 0.001 (the default of Keras ≥ 1.2).</summary>
    public const double ImprovedBatchNormEpsilon = 1e-3;

    /// <summary>
    /// The 2017 notebook's <c>miniNet</c> (Keras 1.1, Theano ordering), layer for layer and argument for argument:
    /// <code>
    /// Normalize                                   ← the notebook's Lambda(norm_input)
    /// ConvBlock(32): Conv2D(32, 3, same, relu) → BatchNorm(axis: 1) → Conv2D(32, 3, same, relu) → MaxPool2D
    /// ConvBlock(64): Conv2D(64, 3, same, relu) → BatchNorm(axis: 1) → Conv2D(64, 3, same, relu) → MaxPool2D
    /// FlatBlock:     BatchNorm(axis: −1)          ← Keras 1's default axis on (64, 7, 7): normalises the width (14 parameters)
    ///                → Flatten → BatchNorm → Dense(512, relu) → BatchNorm(axis: 1) → Dropout(0.4) → Dense(10, softmax)
    /// </code>
    /// 1,683,768 trainable parameters, as the notebook's summary prints. Batch-norm layers use Keras 1.1's defaults
    /// (epsilon 1e-5, momentum 0.99); weights are Glorot-uniform and biases zero, like Keras. Built models come compiled
    /// with Adam at the notebook's learning rate of 0.01 (<see cref="NotebookLearningRate"/>), so ensemble members built
    /// from this preset train at that rate too.
    /// </summary>
    /// <param name="normalizer">Statistics of the training set (<see cref="Normalizer.Fit"/>); the model takes raw 0–255 pixels.</param>
    /// <param name="classCount">Number of classes (default 10).</param>
    public static SequentialBuilder NotebookMiniNet(Normalizer normalizer, int classCount = 10) =>
        MiniNet(normalizer, classCount, widthQuirk: true, NotebookBatchNormMomentum, NotebookBatchNormEpsilon);

    /// <summary>
    /// A variant of <see cref="NotebookMiniNet"/> with two deliberate deviations: the batch norm before <c>Flatten</c>
    /// normalises the 64 channels instead of the image width (1,683,882 trainable parameters), and every batch norm uses
    /// momentum 0.9 and epsilon 0.001 (<see cref="ImprovedBatchNormMomentum"/>, <see cref="ImprovedBatchNormEpsilon"/>):
    /// the moving statistics only matter at inference, and momentum 0.99 needs about 500 steps to forget their initial
    /// values, so short runs (a subset, a single epoch) evaluate badly with it. Layer order, dropout (0.4) and the
    /// compiled optimiser (Adam, 0.01) are the notebook's.
    /// </summary>
    /// <param name="normalizer">Statistics of the training set; the model takes raw 0–255 pixels.</param>
    /// <param name="classCount">Number of classes (default 10).</param>
    public static SequentialBuilder ImprovedMiniNet(Normalizer normalizer, int classCount = 10) =>
        MiniNet(normalizer, classCount, widthQuirk: false, ImprovedBatchNormMomentum, ImprovedBatchNormEpsilon);

    /// <summary>The learning rate <see cref="StridedNet"/> comes compiled with: Adam at 0.001 (a one-cycle schedule sets its own).</summary>
    public const double StridedNetLearningRate = 0.001;

    /// <summary>
    /// A compact convnet from the best Kaggle MNIST studies (Chris Deotte's "How to choose CNN architecture MNIST"):
    /// pooling replaced by learnable 5×5 stride-2 convolutions, batch norm after every convolution, dropout 0.4:
    /// <code>
    /// Normalize
    /// 2 × [Conv2D(f, 3, relu) → BatchNorm → Conv2D(f, 3, relu) → BatchNorm → Conv2D(f, 5, same, stride 2, relu) → BatchNorm → Dropout(0.4)]   f = 32, 64
    /// Flatten (64 × 4 × 4) → Dense(128, relu) → BatchNorm → Dropout(0.4) → Dense(classes, softmax)
    /// </code>
    /// 326,410 trainable parameters for 10 classes (a fifth of <see cref="NotebookMiniNet"/>'s), about 15 M multiply-adds per
    /// image. Batch norm uses momentum 0.9 and epsilon 0.001 (<see cref="ImprovedBatchNormMomentum"/>,
    /// <see cref="ImprovedBatchNormEpsilon"/>); compiled with Adam at <see cref="StridedNetLearningRate"/>. The architecture of
    /// the <c>cpu-hour</c> recipe of <c>samples/Mnist.Train</c> (docs/recipes.md, where it was chosen on a hold-out set).
    /// </summary>
    /// <param name="normalizer">Statistics of the training set; the model takes raw 0–255 pixels.</param>
    /// <param name="classCount">Number of classes (default 10).</param>
    public static SequentialBuilder StridedNet(Normalizer normalizer, int classCount = 10)
    {
        ArgumentNullException.ThrowIfNull(normalizer);
        var builder = Sequential.Input(1, 28, 28).Normalize(normalizer);
        foreach (int filters in (ReadOnlySpan<int>)[32, 64])
        {
            builder
                .Conv2D(filters, 3, Activation.ReLU).BatchNorm(momentum: ImprovedBatchNormMomentum, epsilon: ImprovedBatchNormEpsilon)
                .Conv2D(filters, 3, Activation.ReLU).BatchNorm(momentum: ImprovedBatchNormMomentum, epsilon: ImprovedBatchNormEpsilon)
                .Conv2D(filters, 5, Activation.ReLU, ConvPadding.Same, stride: 2).BatchNorm(momentum: ImprovedBatchNormMomentum, epsilon: ImprovedBatchNormEpsilon)
                .Dropout(0.4);
        }

        return builder
            .Flatten()
            .Dense(128, Activation.ReLU)
            .BatchNorm(momentum: ImprovedBatchNormMomentum, epsilon: ImprovedBatchNormEpsilon)
            .Dropout(0.4)
            .Dense(classCount, Activation.Softmax)
            .Compile(new AdamOptions { LearningRate = StridedNetLearningRate });
    }

    private static SequentialBuilder MiniNet(Normalizer normalizer, int classCount, bool widthQuirk, double momentum, double epsilon)
    {
        ArgumentNullException.ThrowIfNull(normalizer);
        var builder = Sequential.Input(1, 28, 28).Normalize(normalizer);
        foreach (int filters in (ReadOnlySpan<int>)[32, 64])
        {
            builder
                .Conv2D(filters, 3, Activation.ReLU, ConvPadding.Same)
                .BatchNorm(axis: 1, momentum: momentum, epsilon: epsilon)
                .Conv2D(filters, 3, Activation.ReLU, ConvPadding.Same)
                .MaxPool2D();
        }

        return builder
            .BatchNorm(axis: widthQuirk ? -1 : 1, momentum: momentum, epsilon: epsilon)
            .Flatten()
            .BatchNorm(momentum: momentum, epsilon: epsilon)
            .Dense(512, Activation.ReLU)
            .BatchNorm(axis: 1, momentum: momentum, epsilon: epsilon)
            .Dropout(0.4)
            .Dense(classCount, Activation.Softmax)
            .Compile(new AdamOptions { LearningRate = NotebookLearningRate });
    }
}
