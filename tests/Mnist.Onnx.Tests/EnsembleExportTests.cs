using Mnist.Ensemble;
using Mnist.Models;
using Mnist.Onnx.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mnist.Onnx.Tests;

/// <summary>Three differently built members, trained once; one exported graph per combination rule.</summary>
public sealed class EnsembleFixture : IDisposable
{
    public EnsembleFixture()
    {
        var conv = Sequential.Input(1, 28, 28).Normalize(TestData.Normalizer)
            .Conv2D(8, 3, Activation.ReLU).MaxPool2D().BatchNorm(momentum: 0.9).Flatten().Dense(10, Activation.Softmax);
        var wide = Sequential.Input(1, 28, 28).Normalize(TestData.Normalizer)
            .Conv2D(6, 5, Activation.Tanh, ConvPadding.Same, stride: 2).AvgPool2D().Flatten().BatchNorm(momentum: 0.9).Dropout(0.2).Dense(10, Activation.Softmax);
        var linear = Sequential.Input(1, 28, 28).Normalize(TestData.Normalizer).Flatten().Dense(10, Activation.Softmax);
        var members = new List<SequentialModel>();
        try
        {
            members.Add(Trainer.Trained(conv, seed: 31, images: 512));
            members.Add(Trainer.Trained(wide, seed: 32, images: 512));
            members.Add(Trainer.Trained(linear, seed: 33, images: 512));
            Ensemble = ModelEnsemble.FromModels(members, seed: 3);
        }
        catch
        {
            foreach (var m in members) m.Dispose();
            throw;
        }
    }

    public ModelEnsemble Ensemble { get; }

    public void Dispose() => Ensemble.Dispose();
}

public sealed class EnsembleExportTests(EnsembleFixture fixture, ITestOutputHelper output) : IClassFixture<EnsembleFixture>
{
    [Theory]
    [InlineData(EnsembleCombination.ArithmeticMean)]
    [InlineData(EnsembleCombination.WeightedMean)]
    [InlineData(EnsembleCombination.GeometricMean)]
    public void One_graph_of_every_member_and_the_combination_agrees_with_the_ensemble(EnsembleCombination combination)
    {
        var ensemble = fixture.Ensemble;
        ensemble.SetWeights([1.0, 3.0, 0.5], useWeightedMean: false);
        ensemble.Combination = combination;
        using var dir = new TempDirectory();
        string path = dir.File($"ensemble-{combination}.onnx");
        ensemble.ExportOnnx(path);
        Agreement.Compare(ensemble, path, output, $"3-member ensemble, {combination}").ShouldAgree();

        var info = OnnxModelInfo.Read(path);
        info.Kind.Should().Be("ensemble");
        info.MemberCount.Should().Be(3);
        info.Combination.Should().Be(combination);
        info.MemberWeights.Should().Equal(1.0, 3.0, 0.5);
        info.ArchitectureHash.Should().Be(OnnxExport.ComputeArchitectureHash(ensemble));
        for (int m = 1; m <= 3; m++)
            info.Metadata[OnnxMetadataKeys.Member(m, "architecture_sha256")].Should().Be(ModelFile.ComputeArchitectureSha256(ensemble.Members[m - 1].Model));
        info.NormalizerMean.Should().Be(TestData.Normalizer.Mean, "every member normalises with the same statistics");
    }

    [Fact]
    public void Member_subgraphs_are_prefixed_and_the_combination_differs_by_rule()
    {
        var ensemble = fixture.Ensemble;
        var outputs = new Dictionary<EnsembleCombination, float[]>();
        using var dir = new TempDirectory();
        foreach (var combination in Enum.GetValues<EnsembleCombination>())
        {
            ensemble.Combination = combination;
            ensemble.SetWeights([1.0, 3.0, 0.5], useWeightedMean: combination == EnsembleCombination.WeightedMean);
            string path = dir.File($"{combination}.onnx");
            ensemble.ExportOnnx(path);
            outputs[combination] = OnnxRunner.Run(path, TestData.Pixels(TestData.Test1000), [1, 28, 28]);
        }

        outputs[EnsembleCombination.ArithmeticMean].Should().NotEqual(outputs[EnsembleCombination.WeightedMean]);
        outputs[EnsembleCombination.ArithmeticMean].Should().NotEqual(outputs[EnsembleCombination.GeometricMean]);

        using var stream = new MemoryStream();
        ensemble.ExportOnnx(stream);
        var model = Mnist.Onnx.Protobuf.ModelProto.Parser.ParseFrom(stream.ToArray());
        model.Graph.Initializer.Select(i => i.Name).Where(n => !n.StartsWith("combination.", StringComparison.Ordinal))
            .Should().OnlyContain(n => n.StartsWith("member1/", StringComparison.Ordinal) || n.StartsWith("member2/", StringComparison.Ordinal) || n.StartsWith("member3/", StringComparison.Ordinal));
        model.Graph.Initializer.Select(i => i.Name).Should().Contain("member1/conv2d_1.conv.weight", "initializers keep TorchSharp's state-dictionary names under the member prefix");
        model.Graph.Input.Should().ContainSingle().Which.Name.Should().Be(OnnxExport.InputName);
    }
}
