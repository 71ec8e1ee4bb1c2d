using Mnist.Data;
using Mnist.Models;
using static TorchSharp.torch;

namespace Mnist.Tests.Ensemble;

using Mnist.Ensemble;

public sealed class EnsemblePredictionTests
{
    private static ModelEnsemble FixedEnsemble() =>
        ModelEnsemble.FromModels([FixedModels.Linear(FixedModels.WeightA, FixedModels.BiasA), FixedModels.Linear(FixedModels.WeightB, FixedModels.BiasB)]);

    private static double[][] ReferenceMembers(int sample)
    {
        var images = FixedModels.Images();
        return
        [
            FixedModels.Reference(FixedModels.WeightA, FixedModels.BiasA, images.GetImage(sample)),
            FixedModels.Reference(FixedModels.WeightB, FixedModels.BiasB, images.GetImage(sample)),
        ];
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(256)]
    public void Arithmetic_mean_equals_the_average_of_the_members_softmax_for_any_batch_size(int batchSize)
    {
        using var ensemble = FixedEnsemble();
        var images = FixedModels.Images();

        var p = ensemble.PredictProba(images, batchSize);

        p.SampleCount.Should().Be(7);
        for (int i = 0; i < 7; i++)
        {
            var m = ReferenceMembers(i);
            for (int c = 0; c < 3; c++) ((double)p[i, c]).Should().BeApproximately((m[0][c] + m[1][c]) / 2, 1e-6);
        }
    }

    [Fact]
    public void Weighted_and_geometric_means_match_hand_computed_values()
    {
        using var ensemble = FixedEnsemble();
        var images = FixedModels.Images();

        ensemble.SetWeights([1.0, 3.0]);
        ensemble.Combination.Should().Be(EnsembleCombination.WeightedMean);
        var weighted = ensemble.PredictProba(images);
        ensemble.Combination = EnsembleCombination.GeometricMean;
        var geometric = ensemble.PredictProba(images);

        for (int i = 0; i < 7; i++)
        {
            var m = ReferenceMembers(i);
            var g = Enumerable.Range(0, 3).Select(c => Math.Sqrt(m[0][c] * m[1][c])).ToArray();
            for (int c = 0; c < 3; c++)
            {
                ((double)weighted[i, c]).Should().BeApproximately(0.25 * m[0][c] + 0.75 * m[1][c], 1e-6);
                ((double)geometric[i, c]).Should().BeApproximately(g[c] / g.Sum(), 1e-6);
            }
        }
    }

    [Fact]
    public void Tensor_prediction_and_classes_agree_with_the_matrix()
    {
        using var ensemble = FixedEnsemble();
        var images = FixedModels.Images();
        var matrix = ensemble.PredictProba(images);

        using var batch = images.Batches(7).GetBatches(0).Single();
        using var tensor = ensemble.PredictProba(batch.Images);

        tensor.shape.Should().Equal(7, 3);
        tensor.dtype.Should().Be(ScalarType.Float32);
        var values = tensor.data<float>().ToArray();
        for (int i = 0; i < 7; i++)
        {
            for (int c = 0; c < 3; c++) values[i * 3 + c].Should().Be(matrix[i, c]);
        }

        var expectedClasses = Enumerable.Range(0, 7).Select(i =>
        {
            var m = ReferenceMembers(i);
            var mean = Enumerable.Range(0, 3).Select(c => m[0][c] + m[1][c]).ToArray();
            return Array.IndexOf(mean, mean.Max());
        });
        ensemble.PredictClasses(images, batchSize: 2).Should().Equal(expectedClasses);
    }

    [Fact]
    public void Evaluation_reports_every_member_and_the_combined_loss_and_accuracy()
    {
        using var ensemble = FixedEnsemble();
        var images = FixedModels.Images();

        var report = ensemble.Evaluate(images, batchSize: 3);

        double[] memberLoss = new double[2], ensembleLoss = [0.0];
        int[] memberCorrect = new int[2];
        int ensembleCorrect = 0;
        for (int i = 0; i < 7; i++)
        {
            int y = images.GetLabel(i);
            var m = ReferenceMembers(i);
            for (int k = 0; k < 2; k++)
            {
                memberLoss[k] -= Math.Log(m[k][y]) / 7;
                if (Array.IndexOf(m[k], m[k].Max()) == y) memberCorrect[k]++;
            }

            var mean = Enumerable.Range(0, 3).Select(c => (m[0][c] + m[1][c]) / 2).ToArray();
            ensembleLoss[0] -= Math.Log(mean[y]) / 7;
            if (Array.IndexOf(mean, mean.Max()) == y) ensembleCorrect++;
        }

        report.SampleCount.Should().Be(7);
        report.Members.Select(m => m.MemberNumber).Should().Equal(1, 2);
        for (int k = 0; k < 2; k++)
        {
            report.Members[k].Loss.Should().BeApproximately(memberLoss[k], 1e-6);
            report.Members[k].Accuracy.Should().Be(memberCorrect[k] / 7.0);
        }

        report.Combined.Loss.Should().BeApproximately(ensembleLoss[0], 1e-6);
        report.Combined.Accuracy.Should().Be(ensembleCorrect / 7.0);
        report.Probabilities!.ToArray().Should().BeEquivalentTo(ensemble.PredictProba(images, batchSize: 5).ToArray(), o => o.WithStrictOrdering(), "the report carries the combined probabilities it scored");
        report.Combination.Should().Be(EnsembleCombination.ArithmeticMean);
        var lines = report.ToString().Split(Environment.NewLine);
        lines[0].Should().Be("model" + new string(' ', 8) + "loss" + new string(' ', 6) + "acc");
        lines[1].Should().StartWith("member 1").And.EndWith(report.Members[0].Accuracy.ToString("F4", System.Globalization.CultureInfo.InvariantCulture));
        lines[3].Should().StartWith("ensemble");
        lines[4].Should().Be("(7 samples, ArithmeticMean of 2 members)");
    }

    [Fact]
    public void Member_losses_agree_with_the_members_own_evaluate()
    {
        using var ensemble = FixedEnsemble();
        var images = FixedModels.Images();

        var report = ensemble.Evaluate(images);

        for (int k = 0; k < 2; k++)
        {
            var own = ensemble.Members[k].Model.Evaluate(images);
            report.Members[k].Loss.Should().BeApproximately(own.Loss, 1e-5);
            report.Members[k].Accuracy.Should().Be(own.Accuracy);
        }
    }

    [Fact]
    public void Members_with_other_shapes_are_refused_with_both_shapes_named()
    {
        using var ensemble = ModelEnsemble.FromModels([FixedModels.Constant(1, 2, 3)]);
        using var wide = Sequential.Input(1, 3, 3).Flatten().Dense(3).Build();
        using var fourClasses = Sequential.Input(1, 2, 2).Flatten().Dense(4).Build();

        var act = () => ensemble.Add(wide);
        act.Should().Throw<ArgumentException>().WithMessage("*input shape (None, 1, 3, 3)*(None, 1, 2, 2)*");
        act = () => ensemble.Add(fourClasses);
        act.Should().Throw<ArgumentException>().WithMessage("*output shape (None, 4)*(None, 3)*");
        act = () => ensemble.Add(ensemble.Members[0].Model);
        act.Should().Throw<ArgumentException>().WithMessage("*already a member*");
        ensemble.Count.Should().Be(1);

        var added = ensemble.Add(FixedModels.Constant(0, 0, 0), weight: 2);
        added.Number.Should().Be(2);
        added.IsTrained.Should().BeTrue();
        added.Seed.Should().Be(ModelEnsemble.MemberSeed(ensemble.Seed, 1), "members added later derive their seed from the ensemble seed too");
        ensemble.Weights.Should().Equal(1.0, 2.0);
    }

    [Fact]
    public void Weights_must_fit_the_members()
    {
        using var ensemble = FixedEnsemble();

        var act = () => ensemble.SetWeights([1.0]);
        act.Should().Throw<ArgumentException>().WithMessage("*1 weights*2 members*");
        act = () => ensemble.SetWeights([0.0, 0.0]);
        act.Should().Throw<ArgumentException>().WithMessage("*sum to 0*");
        ensemble.Combination.Should().Be(EnsembleCombination.ArithmeticMean);
    }
}
