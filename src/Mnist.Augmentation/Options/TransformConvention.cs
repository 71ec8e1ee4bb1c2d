namespace Mnist.Augmentation;

/// <summary>
/// Which Keras version's geometry turns <see cref="AffineParameters"/> into a sampling map. The random draws are the
/// same; the conventions differ in axes and centre.
/// </summary>
public enum TransformConvention
{
    /// <summary>
    /// Modern Keras (<c>apply_affine_transform</c>, Keras ≥ 2.9 and keras-preprocessing): the matrix acts on (x, y) =
    /// (column, row) about the centre ((W−1)/2, (H−1)/2). The default.
    /// </summary>
    Modern = 0,

    /// <summary>
    /// Keras 1.x (2017): the same matrices act on (row, column) indices about (H/2 + 0.5, W/2 + 0.5), so a positive
    /// angle turns the content clockwise, the shear slants the other axis, and the centre is half a pixel off below
    /// and right. Keras 1.x also sampled with nearest neighbour (scipy order 0): combine with
    /// <see cref="Interpolation.Nearest"/> to reproduce it, as <see cref="KnownAugmentations.KerasNotebook2017"/> does.
    /// </summary>
    Keras1 = 1,
}
