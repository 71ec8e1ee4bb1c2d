using Mnist.Data;
using Mnist.Models;
using Mnist.Tests.Data;
using Mnist.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Tests.Models;

public sealed class TrainingTests : IClassFixture<MnistTrainingSetFixture>
{
    private readonly MnistTrainingSetFixture _mnist;

    public TrainingTests(MnistTrainingSetFixture mnist) => _mnist = mnist;

    /// <summary>A small, fast net for behaviour tests.</summary>
    private static SequentialBuilder TinyNet(Normalizer normalizer) =>
        Sequential.Input(1, 28, 28).Normalize(normalizer).Conv2D(8, 3, Activation.ReLU).MaxPool2D().BatchNorm().Flatten().Dropout(0.25).Dense(10, Activation.Softmax);

    [Fact]
    public void Improved_preset_trained_one_epoch_on_5000_images_reaches_95_percent_on_1000_test_images()
    {
        var train = _mnist.Train.Slice(0, 5000);
        var test = _mnist.Test.Slice(0, 1000);
        // The improved preset's batch-norm momentum (0.9) settles the moving statistics within these 78 steps.
        using var model = KnownModels.ImprovedMiniNet(Normalizer.Fit(_mnist.Train)).Build(new ModelOptions { Seed = 1 });
        model.Compile(new AdamOptions { LearningRate = 0.001 });

        var history = model.Fit(train.Batches(64, shuffle: true, seed: 1), new FitOptions { Validation = test.Batches(500) });

        history.Epochs.Should().ContainSingle();
        var epoch = history.Epochs[0];
        epoch.ValidationAccuracy.Should().BeGreaterThanOrEqualTo(0.95);
        model.Evaluate(test).Accuracy.Should().Be(epoch.ValidationAccuracy!.Value);
        epoch.LearningRate.Should().Be(0.001);
        epoch.Seconds.Should().BePositive();
    }

    [Fact]
    public void Same_seed_gives_identical_weights_after_an_epoch_and_another_seed_does_not()
    {
        var train = _mnist.Train.Slice(0, 640);
        var normalizer = Normalizer.Fit(train);
        float[] Train(int seed)
        {
            using var model = TinyNet(normalizer).Build(new ModelOptions { Seed = seed });
            model.Compile(new AdamOptions());
            model.Fit(train.Batches(64, shuffle: true, seed: seed));
            return model.Network.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        }

        var a = Train(7);
        Train(7).Should().Equal(a);
        Train(8).Should().NotEqual(a);
    }

    [Fact]
    public void Evaluate_matches_an_independent_computation_from_PredictProba()
    {
        var train = _mnist.Train.Slice(0, 1000);
        var test = _mnist.Test.Slice(0, 300);
        using var model = TinyNet(Normalizer.Fit(train)).Build(new ModelOptions { Seed = 3 });
        model.Compile(new AdamOptions());
        model.Fit(train.Batches(50, shuffle: true, seed: 1));

        var probabilities = model.PredictProba(test, batchSize: 64);
        double loss = 0;
        int correct = 0;
        for (int i = 0; i < test.Count; i++)
        {
            int label = test.GetLabel(i);
            loss -= Math.Log(probabilities[i, label]);
            int best = Enumerable.Range(0, 10).MaxBy(c => probabilities[i, c]);
            if (best == label) correct++;
        }

        var result = model.Evaluate(test, batchSize: 37);
        result.SampleCount.Should().Be(300);
        result.Loss.Should().BeApproximately(loss / test.Count, 1e-4);
        result.Accuracy.Should().Be(correct / 300.0);
        model.PredictClasses(test).Count(c => c >= 0).Should().Be(300);
    }

    [Fact]
    public void Predictions_do_not_depend_on_the_batch_size_and_rows_are_probabilities()
    {
        var data = _mnist.Test.Slice(0, 65);
        using var model = TinyNet(Normalizer.Fit(_mnist.Test)).Build(new ModelOptions { Seed = 5 });
        model.Compile(new AdamOptions());
        model.Fit(_mnist.Train.Slice(0, 256).Batches(64));

        var one = model.PredictProba(data, batchSize: 1);
        var seven = model.PredictProba(data, batchSize: 7);
        var all = model.PredictProba(data, batchSize: 1000);
        for (int i = 0; i < data.Count; i++)
        {
            float sum = 0;
            for (int c = 0; c < 10; c++)
            {
                one[i, c].Should().BeApproximately(all[i, c], 1e-5f);
                seven[i, c].Should().BeApproximately(all[i, c], 1e-5f);
                sum += all[i, c];
            }

            sum.Should().BeApproximately(1f, 1e-5f);
        }

        one.ArgMax().Should().Equal(all.ArgMax());
    }

    [Fact]
    public void A_final_softmax_is_stripped_for_training_and_applied_by_PredictProba()
    {
        using var model = TinyNet(new Normalizer(33f, 78f)).Build(new ModelOptions { Seed = 1 });
        model.EndsWithSoftmax.Should().BeTrue();
        model.Network.eval();
        using var x = _mnist.Test.Slice(0, 4).ToImageTensor(ScalarType.Float32);
        using var logits = model.Network.forward(x);
        using var expected = logits.softmax(1);
        using var probabilities = model.PredictProba(x);
        probabilities.allclose(expected, atol: 1e-6).Should().BeTrue();
        logits.sum(1).allclose(torch.ones(4)).Should().BeFalse("the network returns logits, not probabilities");
    }

    [Fact]
    public void Set_lr_between_fits_is_used_and_recorded_like_the_notebooks_long_fit()
    {
        var train = _mnist.Train.Slice(0, 256);
        using var model = TinyNet(Normalizer.Fit(train)).Build(new ModelOptions { Seed = 2 });
        model.Compile(new AdamOptions { LearningRate = 0.01 });
        model.Fit(train.Batches(64, shuffle: true, seed: 1));
        model.LearningRate = 0.0001;
        model.Fit(train.Batches(64, shuffle: true, seed: 1));

        model.History.Epochs.Select(e => e.LearningRate).Should().Equal(0.01, 0.0001);
        model.EpochsTrained.Should().Be(2);
        model.Invoking(m => m.LearningRate = -1).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Uncompiled_models_and_wrong_inputs_give_clear_errors()
    {
        using var model = TinyNet(new Normalizer(33f, 78f)).Build();
        model.Invoking(m => m.Fit(_mnist.Train.Slice(0, 10).Batches(5))).Should().Throw<InvalidOperationException>().WithMessage("*Compile*");
        using var wrong = torch.zeros(2, 1, 14, 14);
        model.Invoking(m => m.PredictProba(wrong)).Should().Throw<ArgumentException>().WithMessage("*(2, 1, 14, 14)*(None, 1, 28, 28)*");
    }

    [Fact]
    public void NaN_loss_restores_the_weights_of_the_epoch_start_and_keeps_earlier_history()
    {
        var train = _mnist.Train.Slice(0, 128);
        using var model = TinyNet(Normalizer.Fit(train)).Build(new ModelOptions { Seed = 4 });
        model.Compile(new AdamOptions());
        model.Fit(train.Batches(64));
        var before = model.Network.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();

        var act = () => model.Fit(new PoisonedSource(train, poisonBatch: 1));

        var thrown = act.Should().Throw<TrainingDivergedException>().WithMessage("*epoch 1, batch 2*NaN*restored*").Which;
        thrown.History.Epochs.Should().BeEmpty();
        model.History.Epochs.Should().HaveCount(1, "the first fit's epoch is kept");
        model.Network.parameters().SelectMany(p => p.data<float>().ToArray()).Should().Equal(before);
        model.Fit(train.Batches(64)).Epochs.Should().ContainSingle("the model still trains after a divergence");
    }

    [Fact]
    public void Labels_outside_the_classes_are_rejected_before_native_code_and_the_weights_are_kept()
    {
        var train = _mnist.Train.Slice(0, 128);
        using var model = Sequential.Input(1, 28, 28).Normalize(33f, 78f).Flatten().Dense(5, Activation.Softmax).Build(new ModelOptions { Seed = 2 });
        model.Compile(new AdamOptions());
        var before = model.Network.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();

        // MNIST labels go up to 9; this model has 5 classes.
        model.Invoking(m => m.Fit(train.Batches(64))).Should().Throw<ArgumentException>().WithMessage("*class indices in [0, 5)*");

        model.Network.parameters().SelectMany(p => p.data<float>().ToArray()).Should().Equal(before);
        model.History.Epochs.Should().BeEmpty();
    }

    [Fact]
    public void Cancellation_puts_back_the_weights_of_the_last_complete_epoch()
    {
        var train = _mnist.Train.Slice(0, 640);
        using var model = TinyNet(Normalizer.Fit(train)).Build(new ModelOptions { Seed = 4 });
        model.Compile(new AdamOptions());
        var before = model.Network.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        using var cts = new CancellationTokenSource();
        var progress = new SynchronousProgress(p => { if (p.Stage == TrainingStage.BatchCompleted && p.SamplesSeen >= 192) cts.Cancel(); });

        model.Invoking(m => m.Fit(train.Batches(64), new FitOptions { Epochs = 3, Progress = progress }, cts.Token)).Should().Throw<OperationCanceledException>();

        model.History.Epochs.Should().BeEmpty();
        model.Network.parameters().SelectMany(p => p.data<float>().ToArray()).Should().Equal(before);
    }

    [Fact]
    public void Native_memory_stays_flat_across_epochs()
    {
        var train = _mnist.Train.Slice(0, 512);
        var test = _mnist.Test.Slice(0, 128);
        using var model = TinyNet(Normalizer.Fit(train)).Build(new ModelOptions { Seed = 9 });
        model.Compile(new AdamOptions());
        model.Fit(train.Batches(64, shuffle: true, seed: 1), new FitOptions { Validation = test.Batches(64) }); // warm-up: optimiser state, allocator pools

        var statistics = DisposeScopeManager.Statistics;
        long liveBefore = statistics.ThreadTotalLiveCount;
        long rssBefore = ResidentBytes();
        model.Fit(train.Batches(64, shuffle: true, seed: 1), new FitOptions { Epochs = 4, Validation = test.Batches(64) });
        long liveAfter = statistics.ThreadTotalLiveCount;
        long rssAfter = ResidentBytes();

        liveAfter.Should().Be(liveBefore, "every per-batch tensor is disposed");
        (rssAfter - rssBefore).Should().BeLessThan(64L << 20, "resident memory must not grow with epochs");
    }

    [Fact]
    public void BFloat16_compute_trains_with_float32_master_weights_and_predicts_like_them()
    {
        var train = _mnist.Train.Slice(0, 3000);
        var test = _mnist.Test.Slice(0, 1000);
        var architecture = Sequential.Input(1, 28, 28).Normalize(Normalizer.Fit(train)).Conv2D(8, 3, Activation.ReLU).MaxPool2D().BatchNorm(momentum: 0.9).Flatten().Dense(10, Activation.Softmax);
        using var model = architecture.Build(new ModelOptions { Seed = 6, Precision = ComputePrecision.BFloat16 });
        model.Compile(new AdamOptions { LearningRate = 0.003 });
        var before = model.Network.parameters().First().data<float>().ToArray();
        using var reference = architecture.Build(new ModelOptions { Seed = 6 });
        reference.Compile(new AdamOptions { LearningRate = 0.003 });
        reference.Fit(train.Batches(64, shuffle: true, seed: 6), new FitOptions { Epochs = 2 });

        var history = model.Fit(train.Batches(64, shuffle: true, seed: 6), new FitOptions { Epochs = 2 });

        model.Network.parameters().Should().OnlyContain(p => p.dtype == ScalarType.Float32, "the master weights stay float32");
        model.Network.parameters().First().data<float>().ToArray().Should().NotEqual(before, "the optimiser updated the master weights");
        history.Epochs[^1].Loss.Should().BeLessThan(history.Epochs[0].Loss);
        var result = model.Evaluate(test);
        result.Accuracy.Should().BeGreaterThan(0.9);
        result.Accuracy.Should().BeApproximately(reference.Evaluate(test).Accuracy, 0.02, "bfloat16 compute learns like float32");

        // The bfloat16 predictions agree with a float32 forward pass through the master weights.
        model.Network.eval();
        using var x = test.ToImageTensor(ScalarType.Float32);
        using var masterLogits = model.Network.forward(x);
        using var masterClasses = masterLogits.argmax(1);
        var fp32 = masterClasses.data<long>().ToArray();
        var bf16 = model.PredictClasses(test);
        Enumerable.Range(0, fp32.Length).Count(i => fp32[i] == bf16[i]).Should().BeGreaterThanOrEqualTo(985);
    }

    [Fact]
    public void BFloat16_models_save_float32_weights_that_load_into_either_precision()
    {
        var train = _mnist.Train.Slice(0, 512);
        var test = _mnist.Test.Slice(0, 200);
        using var dir = new TempDirectory();
        using var model = TinyNet(Normalizer.Fit(train)).Build(new ModelOptions { Seed = 6, Precision = ComputePrecision.BFloat16 });
        model.Compile(new AdamOptions());
        model.Fit(train.Batches(64));
        string path = dir.Combine("bf16.weights");
        model.SaveWeights(path);

        using var again = model.ToBuilder().Build(new ModelOptions { Seed = 1, Precision = ComputePrecision.BFloat16 });
        again.LoadWeights(path);
        again.PredictProba(test).ToArray().Should().BeEquivalentTo(model.PredictProba(test).ToArray(), o => o.WithStrictOrdering());

        using var asFloat32 = model.ToBuilder().Build(new ModelOptions { Seed = 1 });
        asFloat32.LoadWeights(path);
        asFloat32.PredictProba(test).ArgMax().Zip(model.PredictClasses(test)).Count(p => p.First == p.Second).Should().BeGreaterThanOrEqualTo(195);
    }

    private static long ResidentBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var fields = File.ReadAllText("/proc/self/statm").Split(' ');
        return long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) * Environment.SystemPageSize;
    }

    /// <summary>Plain batches, except that batch <c>poisonBatch</c> holds NaN pixels.</summary>
    private sealed class PoisonedSource(MnistDataset data, int poisonBatch) : IBatchSource
    {
        public int SampleCount => data.Count;

        public int BatchSize => 64;

        public IEnumerable<Batch> GetBatches(int epoch, CancellationToken cancellationToken = default)
        {
            int index = 0;
            foreach (var batch in data.Batches(64).GetBatches(epoch, cancellationToken))
            {
                if (index++ == poisonBatch) batch.Images.fill_(float.NaN);
                yield return batch;
            }
        }
    }

    private sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
