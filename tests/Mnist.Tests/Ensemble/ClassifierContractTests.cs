using Mnist.Data;
using Mnist.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Tests.Ensemble;

using Mnist.Ensemble;

/// <summary>The <see cref="IClassifier"/> contract, the same for a model and an ensemble, against hand computations.</summary>
public sealed class ClassifierContractTests
{
    private static SequentialModel ModelA() => FixedModels.Linear(FixedModels.WeightA, FixedModels.BiasA);

    private static ModelEnsemble Ensemble() =>
        ModelEnsemble.FromModels([FixedModels.Linear(FixedModels.WeightA, FixedModels.BiasA), FixedModels.Linear(FixedModels.WeightB, FixedModels.BiasB)]);

    public static TheoryData<string> Classifiers => new() { "model", "ensemble" };

    private static IClassifier Create(string kind) => kind == "model" ? ModelA() : Ensemble();

    /// <summary>The expected probabilities in double precision: member A's softmax, or the mean of A's and B's.</summary>
    private static double[] Reference(string kind, int sample)
    {
        var images = FixedModels.Images();
        var a = FixedModels.Reference(FixedModels.WeightA, FixedModels.BiasA, images.GetImage(sample));
        if (kind == "model") return a;
        var b = FixedModels.Reference(FixedModels.WeightB, FixedModels.BiasB, images.GetImage(sample));
        return a.Zip(b, (x, y) => (x + y) / 2).ToArray();
    }

    [Theory]
    [MemberData(nameof(Classifiers))]
    public void Every_route_gives_the_same_probabilities(string kind)
    {
        using var classifier = Create(kind);
        var images = FixedModels.Images();

        var fromSource = classifier.PredictProba(images.Batches(3));
        var fromDataset = classifier.PredictProba(images, batchSize: 2);
        using var batch = images.Batches(7).GetBatches(0).Single();
        using var tensor = classifier.PredictProba(batch.Images);
        var fromImageSet = classifier.PredictProba(batch.Images.data<float>().ToArray(), 7);

        tensor.device_type.Should().Be(DeviceType.CPU);
        tensor.dtype.Should().Be(ScalarType.Float32);
        tensor.shape.Should().Equal(7, 3);
        var expected = fromSource.ToArray();
        fromDataset.ToArray().Should().Equal(expected);
        tensor.data<float>().ToArray().Should().Equal(expected);
        fromImageSet.ToArray().Should().Equal(expected);
        classifier.PredictClasses(images).Should().Equal(fromSource.PredictedClasses);
        classifier.PredictClasses(images.Batches(5)).Should().Equal(fromSource.PredictedClasses);

        for (int i = 0; i < 7; i++)
        {
            var r = Reference(kind, i);
            for (int c = 0; c < 3; c++) ((double)fromSource[i, c]).Should().BeApproximately(r[c], 1e-6);
        }
    }

    [Theory]
    [MemberData(nameof(Classifiers))]
    public void Evaluate_loss_is_the_floored_cross_entropy_of_the_probabilities(string kind)
    {
        using var classifier = Create(kind);
        var images = FixedModels.Images();

        var result = classifier.Evaluate(images.Batches(4));

        double loss = 0;
        int correct = 0;
        for (int i = 0; i < images.Count; i++)
        {
            var r = Reference(kind, i);
            int label = images.GetLabel(i);
            loss -= Math.Log(Math.Max(r[label], ClassProbabilities.ProbabilityFloor));
            if (Array.IndexOf(r, r.Max()) == label) correct++;
        }

        result.SampleCount.Should().Be(7);
        result.Loss.Should().BeApproximately(loss / 7, 1e-6);
        result.Accuracy.Should().Be(correct / 7.0);
        var labels = Enumerable.Range(0, 7).Select(i => (int)images.GetLabel(i)).ToArray();
        result.Loss.Should().BeApproximately(classifier.PredictProba(images).CrossEntropy(labels), 1e-12, "both use ClassProbabilities.CrossEntropy's definition");
    }

    [Fact]
    public void A_member_scores_the_same_inside_and_outside_the_ensemble()
    {
        using var ensemble = Ensemble();
        using var alone = ModelA();
        var images = FixedModels.Images();

        var report = ensemble.Evaluate(images.Batches(3));
        var own = alone.Evaluate(images.Batches(5));

        report.Members[0].Loss.Should().BeApproximately(own.Loss, 1e-12);
        report.Members[0].Accuracy.Should().Be(own.Accuracy);
        ((IClassifier)ensemble).Evaluate(images.Batches(2)).Should().Be(report.Combined);
    }

    [Theory]
    [InlineData(EnsembleCombination.ArithmeticMean)]
    [InlineData(EnsembleCombination.WeightedMean)]
    [InlineData(EnsembleCombination.GeometricMean)]
    public void Combined_probabilities_equal_a_hand_combination_of_the_members_outputs(EnsembleCombination combination)
    {
        using var ensemble = Ensemble();
        if (combination == EnsembleCombination.WeightedMean) ensemble.SetWeights([1.0, 3.0]);
        ensemble.Combination = combination;
        var images = FixedModels.Images();

        var members = ensemble.PredictMemberProba(images.Batches(3));
        var combined = ensemble.PredictProba(images.Batches(2));

        double[] w = combination == EnsembleCombination.WeightedMean ? [0.25, 0.75] : [0.5, 0.5];
        for (int i = 0; i < 7; i++)
        {
            var expected = new double[3];
            for (int c = 0; c < 3; c++)
            {
                double a = members[0][i, c], b = members[1][i, c];
                expected[c] = combination == EnsembleCombination.GeometricMean
                    ? Math.Exp((w[0] * Math.Log(Math.Max(a, 1e-12))) + (w[1] * Math.Log(Math.Max(b, 1e-12))))
                    : (w[0] * a) + (w[1] * b);
            }

            double total = combination == EnsembleCombination.GeometricMean ? expected.Sum() : 1;
            for (int c = 0; c < 3; c++) ((double)combined[i, c]).Should().BeApproximately(expected[c] / total, 1e-7);
        }
    }

    [Theory]
    [MemberData(nameof(Classifiers))]
    public void A_classifier_that_only_takes_floats_gets_every_route_from_Core_with_the_same_results(string kind)
    {
        using var inner = Create(kind);
        using var floatsOnly = new FloatsOnlyClassifier(inner);
        var images = FixedModels.Images();
        var expected = inner.PredictProba(images.Batches(3)).ToArray();

        floatsOnly.PredictProba(images.Batches(3)).ToArray().Should().Equal(expected);
        floatsOnly.PredictProba(images, batchSize: 2).ToArray().Should().Equal(expected);
        using (var batch = images.Batches(7).GetBatches(0).Single())
        using (var tensor = floatsOnly.PredictProba(batch.Images))
        {
            tensor.device_type.Should().Be(DeviceType.CPU);
            tensor.data<float>().ToArray().Should().Equal(expected);
        }

        floatsOnly.Evaluate(images.Batches(4)).Should().Be(inner.Evaluate(images.Batches(5)));
        floatsOnly.Calls.Should().Be(3 + 4 + 1 + 2, "Core passes each batch of the source to the span method once");
    }

    [Fact]
    public void Evaluate_over_plain_arrays_equals_evaluate_over_a_dataset()
    {
        using var model = ModelA();
        var images = FixedModels.Images();
        var pixels = new float[images.Count * 4];
        var labels = new int[images.Count];
        for (int i = 0; i < images.Count; i++)
        {
            var image = images.GetImage(i);
            for (int p = 0; p < 4; p++) pixels[(i * 4) + p] = image[p];
            labels[i] = images.GetLabel(i);
        }

        model.Evaluate(pixels, labels).Should().Be(model.Evaluate(images));
        model.PredictClasses(pixels, images.Count).Should().Equal(model.PredictClasses(images));
        var wrongLength = () => model.PredictProba(pixels.AsSpan(1), images.Count);
        wrongLength.Should().Throw<ArgumentException>().WithMessage("Expected 7 images of 4 values*");
    }

    [Fact]
    public void Predictions_from_several_threads_at_once_equal_the_sequential_ones()
    {
        using var ensemble = Ensemble();
        var images = FixedModels.Images();
        var expected = ensemble.PredictProba(images.Batches(7)).ToArray();

        var results = new float[8][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            for (int round = 0; round < 20; round++) results[i] = ensemble.PredictProba(images.Batches(1 + (i % 3))).ToArray();
        });

        foreach (var result in results) result.Should().Equal(expected);
    }

    [Theory]
    [MemberData(nameof(Classifiers))]
    public void A_model_with_nan_weights_gives_an_invalid_probabilities_error_naming_the_first_sample_on_every_route(string kind)
    {
        using var classifier = Create(kind);
        var model = classifier is ModelEnsemble e ? e.Members[^1].Model : (SequentialModel)classifier;
        using (no_grad())
        {
            foreach (var parameter in model.Network.parameters()) parameter.fill_(float.NaN);
        }

        var images = FixedModels.Images();
        var pixels = new float[images.Count * 4];

        foreach (var act in new Action[]
                 {
                     () => classifier.PredictProba(images.Batches(3)),
                     () => classifier.PredictProba(pixels, images.Count),
                     () => classifier.Evaluate(images),
                 })
        {
            act.Should().Throw<InvalidProbabilitiesException>().Where(ex => ex.SampleIndex == 0).WithMessage("*Probability [0, 0] = NaN*weights are probably NaN*");
        }

        var userValues = () => new ClassProbabilities([float.NaN, 1f], 1, 2);
        userValues.Should().Throw<ArgumentException>("values a caller passes are an argument, not a model's output");
    }

    /// <summary>An <see cref="IClassifier"/> that is not an <see cref="ITensorClassifier"/>: only floats in, as an ONNX Runtime session would be.</summary>
    private sealed class FloatsOnlyClassifier(IClassifier inner) : IClassifier
    {
        public int Calls { get; private set; }

        public TensorShape InputShape => inner.InputShape;

        public int ClassCount => inner.ClassCount;

        public IReadOnlyList<string> ClassNames => inner.ClassNames;

        public ClassProbabilities PredictProba(ReadOnlySpan<float> images, int count)
        {
            Calls++;
            return inner.PredictProba(images, count);
        }

        public void Dispose()
        {
        }
    }
}
