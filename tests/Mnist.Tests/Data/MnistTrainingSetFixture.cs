using Mnist.Data;
using Mnist.Tests.Infrastructure;

namespace Mnist.Tests.Data;

/// <summary>The real MNIST splits from data/mnist, loaded once and shared by the test classes that need them.</summary>
public sealed class MnistTrainingSetFixture
{
    public MnistSplits Splits => TestDigits.Splits;

    public MnistDataset Train => Splits.Train;

    public MnistDataset Test => Splits.Test;
}
