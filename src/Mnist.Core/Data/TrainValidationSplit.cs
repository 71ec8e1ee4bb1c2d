namespace Mnist.Data;

/// <summary>A training set divided into the part to fit on and a held-out validation part (see <see cref="MnistDataset.SplitValidation"/>).</summary>
/// <param name="Train">The samples to fit on.</param>
/// <param name="Validation">The held-out samples.</param>
public sealed record TrainValidationSplit(MnistDataset Train, MnistDataset Validation);
