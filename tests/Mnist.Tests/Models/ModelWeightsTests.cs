using Mnist.Data;
using Mnist.Models;
using Mnist.Tests.Data;
using Mnist.Training;

namespace Mnist.Tests.Models;

/// <summary>A user's callback built on the public weights API: keeps the weights of the lowest validation loss and puts them back.</summary>
internal sealed class KeepBestWeights(Func<SequentialModel, ClassProbabilities> record, Action<SequentialModel, int>? afterEpoch = null) : Callback, IDisposable
{
    private ModelWeights? _best;
    private double _bestLoss = double.PositiveInfinity;

    public int BestEpoch { get; private set; }

    public Dictionary<int, ClassProbabilities> Recorded { get; } = [];

    public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
        Recorded[metrics.Epoch] = record(context.Model);
        if (metrics.ValidationLoss < _bestLoss)
        {
            _bestLoss = metrics.ValidationLoss.Value;
            BestEpoch = metrics.Epoch;
            _best?.Dispose();
            _best = context.Model.GetWeights();
        }

        afterEpoch?.Invoke(context.Model, metrics.Epoch);
    }

    public override void OnTrainEnd(TrainingContext context)
    {
        if (_best is not null) context.Model.SetWeights(_best);
    }

    public void Dispose() => _best?.Dispose();
}

public sealed class ModelWeightsTests : IClassFixture<MnistTrainingSetFixture>
{
    private readonly MnistTrainingSetFixture _mnist;

    public ModelWeightsTests(MnistTrainingSetFixture mnist) => _mnist = mnist;

    private static SequentialModel Small(int seed, ComputePrecision precision = ComputePrecision.Float32)
    {
        var model = Sequential.Input(1, 28, 28).Normalize(33f, 78f).Conv2D(4, 3, Activation.ReLU).BatchNorm().MaxPool2D().Flatten().Dense(10, Activation.Softmax)
            .Build(new ModelOptions { Seed = seed, Precision = precision });
        model.Compile(new AdamOptions());
        return model;
    }

    private static float[] Flat(ClassProbabilities values) => values.ToArray();

    [Fact]
    public void A_custom_callback_restores_the_best_epoch_exactly()
    {
        var test = _mnist.Test.Slice(0, 64);
        using var model = Small(5);
        // After epoch 2 the learning rate becomes absurd, so epoch 3 is worse than the best one before it.
        using var keeper = new KeepBestWeights(m => m.PredictProba(test), (m, epoch) => { if (epoch == 2) m.LearningRate = 50; });

        model.Fit(_mnist.Train.Slice(0, 256).Batches(64, shuffle: true, seed: 5), new FitOptions { Epochs = 3, Validation = _mnist.Test.Slice(64, 128).Batches(64), Callbacks = [keeper] });

        keeper.BestEpoch.Should().BeInRange(1, 2);
        Flat(keeper.Recorded[3]).Should().NotEqual(Flat(keeper.Recorded[keeper.BestEpoch]), "the last epoch moved the weights");
        Flat(model.PredictProba(test)).Should().Equal(Flat(keeper.Recorded[keeper.BestEpoch]));
    }

    [Fact]
    public void A_snapshot_is_an_immutable_copy_with_names_shapes_and_values()
    {
        using var model = Small(6);
        using var weights = model.GetWeights();
        var state = model.Network.state_dict();
        weights.Names.Should().Equal(state.Keys);
        string kernel = weights.Names.First(n => n.EndsWith("conv.weight", StringComparison.Ordinal));
        weights.GetShape(kernel).Should().Equal(4, 1, 3, 3);
        weights.GetDataType(kernel).Should().Be(TorchSharp.torch.ScalarType.Float32);
        var before = weights.GetValues(kernel);
        before.Should().Equal(state[kernel].data<float>().ToArray());

        model.Fit(_mnist.Train.Slice(0, 128).Batches(64));

        state[kernel].data<float>().ToArray().Should().NotEqual(before);
        weights.GetValues(kernel).Should().Equal(before);
    }

    [Fact]
    public void Setting_weights_keeps_the_bfloat16_compute_copy_in_step()
    {
        var test = _mnist.Test.Slice(0, 64);
        using var model = Small(7, ComputePrecision.BFloat16);
        using var start = model.GetWeights();
        var expected = Flat(model.PredictProba(test));
        model.Fit(_mnist.Train.Slice(0, 256).Batches(64), new FitOptions { Epochs = 1 });
        Flat(model.PredictProba(test)).Should().NotEqual(expected);

        model.SetWeights(start);

        Flat(model.PredictProba(test)).Should().Equal(expected);
    }

    [Fact]
    public void Weights_of_another_architecture_are_refused_naming_the_first_mismatch_and_change_nothing()
    {
        var test = _mnist.Test.Slice(0, 32);
        using var model = Small(8);
        using var wider = Sequential.Input(1, 28, 28).Normalize(33f, 78f).Conv2D(8, 3, Activation.ReLU).BatchNorm().MaxPool2D().Flatten().Dense(10, Activation.Softmax)
            .Build(new ModelOptions { Seed = 8 });
        using var dense = Sequential.Input(1, 28, 28).Flatten().Dense(10).Build(new ModelOptions { Seed = 8 });
        using var wrongShapes = wider.GetWeights();
        using var wrongNames = dense.GetWeights();
        var before = Flat(model.PredictProba(test));

        FluentActions.Invoking(() => model.SetWeights(wrongShapes)).Should().Throw<WeightsMismatchException>()
            .WithMessage("*'conv2d_1.conv.weight' has shape (8, 1, 3, 3) in the snapshot but (4, 1, 3, 3) in this model*")
            .Which.TensorName.Should().Be("conv2d_1.conv.weight");
        FluentActions.Invoking(() => model.SetWeights(wrongNames)).Should().Throw<WeightsMismatchException>()
            .WithMessage("*lacks tensor 'conv2d_1.conv.weight'*");
        Flat(model.PredictProba(test)).Should().Equal(before);

        var disposed = model.GetWeights();
        disposed.Dispose();
        FluentActions.Invoking(() => model.SetWeights(disposed)).Should().Throw<ObjectDisposedException>();
    }
}
