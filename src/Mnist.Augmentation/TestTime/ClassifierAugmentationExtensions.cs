using Mnist.Models;

namespace Mnist.Augmentation;

/// <summary>Test-time augmentation for any <see cref="IClassifier"/>.</summary>
public static class ClassifierAugmentationExtensions
{
    /// <summary>
    /// A classifier that averages <paramref name="views"/> deterministic augmented views of each image (see
    /// <see cref="TestTimeAugmentedClassifier"/>).
    /// </summary>
    /// <param name="classifier">The classifier (still owned and disposed by the caller).</param>
    /// <param name="augmentation">The random affine transforms of the views (validated and copied).</param>
    /// <param name="views">Views per image, at least 1 (default 8).</param>
    /// <param name="seed">Seed of the transforms.</param>
    /// <param name="includeOriginal">Whether the first view is the unchanged image (default yes).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="views"/> is below 1, or an augmentation setting is invalid.</exception>
    /// <exception cref="ArgumentException">The classifier does not take (channels, height, width) images.</exception>
    public static TestTimeAugmentedClassifier WithTestTimeAugmentation(this IClassifier classifier, AugmentationOptions augmentation, int views = 8, int seed = 0, bool includeOriginal = true)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(augmentation);
        ArgumentOutOfRangeException.ThrowIfLessThan(views, 1);
        return new TestTimeAugmentedClassifier(classifier, new RandomAffineAugmenter(augmentation), views, seed, includeOriginal);
    }
}
