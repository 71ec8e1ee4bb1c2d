using Mnist.Data;

namespace Mnist.Augmentation;

/// <summary>
/// Extension methods that attach random affine augmentation to a <see cref="MnistDataset"/>. For any other
/// <see cref="IBatchSource"/> see <see cref="BatchSourceAugmentationExtensions"/>.
/// </summary>
public static class MnistDatasetAugmentationExtensions
{
    /// <summary>
    /// Pairs <paramref name="dataset"/> with the augmentation <paramref name="options"/> describe; call
    /// <see cref="AugmentedDataset.Flow"/> on the result for the batch generator, which takes the seed and the
    /// execution settings: <c>train.Augment(KnownAugmentations.KerasNotebook2017).Flow(batchSize: 64, seed: 1)</c>.
    /// </summary>
    /// <param name="dataset">The samples.</param>
    /// <param name="options">The augmentation; validated and copied.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is invalid; the message names it.</exception>
    public static AugmentedDataset Augment(this MnistDataset dataset, AugmentationOptions options) => new(dataset, options);

    /// <summary>
    /// Pairs <paramref name="dataset"/> with augmentation options set up by <paramref name="configure"/> on fresh
    /// defaults: <c>train.Augment(o => { o.RotationRangeDegrees = 10; o.ZoomRange = 0.1; })</c>.
    /// </summary>
    /// <param name="dataset">The samples.</param>
    /// <param name="configure">Sets the options.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is invalid; the message names it.</exception>
    public static AugmentedDataset Augment(this MnistDataset dataset, Action<AugmentationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new AugmentationOptions();
        configure(options);
        return new AugmentedDataset(dataset, options);
    }
}
