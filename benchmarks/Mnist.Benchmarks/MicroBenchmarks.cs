using BenchmarkDotNet.Attributes;
using Mnist.Data;
using Mnist.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Benchmarks;

/// <summary>BenchmarkDotNet micro-benchmarks of the library's hot paths.</summary>
[MemoryDiagnoser]
public class MicroBenchmarks
{
    private MnistDataset _train = null!;
    private SequentialModel _model = null!;
    private Tensor _batch = null!;
    private string _trainImages = null!;

    /// <summary>Loads MNIST and builds the model once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var splits = MnistDataset.LoadSplits();
        _train = splits.Train;
        _trainImages = Path.Combine(splits.Directory, "train-images-idx3-ubyte.gz");
        _model = KnownModels.ImprovedMiniNet(Normalizer.Fit(_train)).Build(new ModelOptions { Seed = 1 });
        _batch = splits.Test.Slice(0, 64).ToImageTensor(ScalarType.Float32);
    }

    /// <summary>Releases native memory.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _batch.Dispose();
        _model.Dispose();
    }

    /// <summary>IDX load of the full gzipped training images.</summary>
    [Benchmark]
    public long IdxLoadTrainImages() => IdxReader.ReadFile(_trainImages).ElementCount;

    /// <summary>Assembling one shuffled batch of 64 into tensors.</summary>
    [Benchmark]
    public int AssembleBatch64()
    {
        using var batch = _train.Batches(64, shuffle: true, seed: 1).GetBatches(0).First();
        return batch.Count;
    }

    /// <summary>Inference of one batch of 64.</summary>
    [Benchmark]
    public long InferBatch64()
    {
        using var p = _model.PredictProba(_batch);
        return p.shape[0];
    }
}
