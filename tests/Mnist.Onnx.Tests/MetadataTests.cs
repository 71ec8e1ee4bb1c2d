using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using Mnist.Models;
using Mnist.Onnx.Tests.Infrastructure;

namespace Mnist.Onnx.Tests;

/// <summary>What an export writes besides the graph, read back by <see cref="OnnxModelInfo"/> and by ONNX Runtime.</summary>
public sealed class MetadataTests
{
    private static SequentialBuilder Small() =>
        Sequential.Input(1, 28, 28).Normalize(TestData.Normalizer).Conv2D(4, 3, Activation.ReLU).MaxPool2D().BatchNorm(momentum: 0.9).Flatten().Dense(10, Activation.Softmax);

    [Fact]
    public void Metadata_round_trips_through_the_file()
    {
        using var model = Trainer.Trained(Small(), seed: 51, images: 128);
        using var dir = new TempDirectory();
        string path = dir.File("digits.onnx");
        string[] names = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
        model.ExportOnnx(path, new OnnxExportOptions
        {
            ProducerName = "digits-service",
            Description = "a test model",
            ClassNames = names,
            Metadata = { ["run"] = "2026-12-01/7", ["owner"] = "tests ✓" },
        });

        var info = OnnxModelInfo.Read(path);
        info.Source.Should().Be(path);
        info.IrVersion.Should().Be(8);
        info.OpsetVersion.Should().Be(17);
        info.ProducerName.Should().Be("digits-service");
        info.ProducerVersion.Should().Be(OnnxExport.LibraryVersion);
        info.Description.Should().Be("a test model");
        info.IsMnistExport.Should().BeTrue();
        info.Kind.Should().Be("model");
        info.ClassNames.Should().Equal(names);
        info.InputShape.Should().Equal(1, 28, 28);
        info.NormalizerMean.Should().Be(TestData.Normalizer.Mean);
        info.NormalizerStandardDeviation.Should().Be(TestData.Normalizer.StandardDeviation);
        info.LibraryVersion.Should().Be(OnnxExport.LibraryVersion).And.NotBeNullOrWhiteSpace();
        info.ArchitectureHash.Should().Be(ModelFile.ComputeArchitectureSha256(model)).And.MatchRegex("^[0-9a-f]{64}$");
        info.MemberCount.Should().Be(1);
        info.Combination.Should().BeNull();
        info.MemberWeights.Should().BeNull();
        info.Metadata["run"].Should().Be("2026-12-01/7");
        info.Metadata["owner"].Should().Be("tests ✓");

        info.Inputs.Should().ContainSingle();
        info.Inputs[0].Name.Should().Be("images");
        info.Inputs[0].ElementType.Should().Be("float");
        info.Inputs[0].Shape.Select(d => d.ToString()).Should().Equal("N", "1", "28", "28");
        info.Outputs.Should().ContainSingle();
        info.Outputs[0].ToString().Should().Be("probabilities: float[N, 10]");
    }

    [Fact]
    public void Default_class_names_are_the_class_indices_and_ONNX_Runtime_sees_the_metadata()
    {
        using var model = Trainer.Trained(Small(), seed: 52, images: 128);
        using var dir = new TempDirectory();
        string path = dir.File("m.onnx");
        model.ExportOnnx(path);
        OnnxModelInfo.Read(path).ClassNames.Should().Equal("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

        using var session = new InferenceSession(path);
        var metadata = session.ModelMetadata;
        metadata.ProducerName.Should().Be(OnnxExportOptions.DefaultProducerName);
        metadata.CustomMetadataMap[OnnxMetadataKeys.ClassNames].Should().Be("[\"0\",\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]");
        metadata.CustomMetadataMap[OnnxMetadataKeys.ArchitectureHash].Should().Be(ModelFile.ComputeArchitectureSha256(model));
        session.InputMetadata[OnnxExport.InputName].Dimensions.Should().Equal(-1, 1, 28, 28);
        session.InputMetadata[OnnxExport.InputName].SymbolicDimensions[0].Should().Be("N");
        session.OutputMetadata[OnnxExport.OutputName].Dimensions.Should().Equal(-1, 10);
    }

    [Fact]
    public void A_model_without_a_normaliser_has_no_normaliser_statistics()
    {
        using var model = Sequential.Input(1, 28, 28).Flatten().Dense(10, Activation.Softmax).Build(new ModelOptions { Seed = 1 });
        using var dir = new TempDirectory();
        string path = dir.File("raw.onnx");
        model.ExportOnnx(path);
        var info = OnnxModelInfo.Read(path);
        info.NormalizerMean.Should().BeNull();
        info.NormalizerStandardDeviation.Should().BeNull();
        info.Metadata.Keys.Should().NotContain(OnnxMetadataKeys.NormalizerMean);
    }

    [Fact]
    public void The_architecture_hash_is_the_SHA256_of_the_saved_architecture_json_and_ignores_weights()
    {
        using var a = Small().Build(new ModelOptions { Seed = 1 });
        using var b = Trainer.Trained(Small(), seed: 2, images: 64);
        using var other = Sequential.Input(1, 28, 28).Normalize(TestData.Normalizer).Flatten().Dense(10, Activation.Softmax).Build();
        ModelFile.ComputeArchitectureSha256(a).Should().Be(ModelFile.ComputeArchitectureSha256(b), "weights and training state are not architecture");
        ModelFile.ComputeArchitectureSha256(a).Should().NotBe(ModelFile.ComputeArchitectureSha256(other));

        // The documented definition: {"inputShape", "layers"} of a whole-model file's model.json, compact, SHA-256.
        using var dir = new TempDirectory();
        string file = dir.File("b.mnistmodel");
        b.Save(file);
        using var zip = ZipFile.OpenRead(file);
        using var reader = new StreamReader(zip.GetEntry("model.json")!.Open());
        var stored = JsonNode.Parse(reader.ReadToEnd())!.AsObject();
        var json = new JsonObject { ["inputShape"] = stored["inputShape"]!.DeepClone(), ["layers"] = stored["layers"]!.DeepClone() };
        string expected = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(json.ToJsonString()))).ToLowerInvariant();
        ModelFile.ComputeArchitectureSha256(b).Should().Be(expected);
        ModelFile.ReadHeader(file).ArchitectureSha256.Should().Be(expected, "the export and the model file share one definition");
    }
}
