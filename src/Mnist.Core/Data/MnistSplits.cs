namespace Mnist.Data;

/// <summary>The training and test splits of an MNIST-format dataset.</summary>
/// <param name="Train">The training split (60,000 samples for the built-in datasets).</param>
/// <param name="Test">The test split (10,000 samples for the built-in datasets).</param>
/// <param name="Dataset">The catalogue entry the splits were loaded for.</param>
/// <param name="Directory">The folder the files were read from.</param>
public sealed record MnistSplits(MnistDataset Train, MnistDataset Test, DatasetDescriptor Dataset, string Directory);
