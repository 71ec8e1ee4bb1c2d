using Google.Protobuf;
using Mnist.Data;
using Mnist.Ensemble;
using Mnist.Models;
using Mnist.Onnx.Protobuf;
using Mnist.Onnx.Tests.Infrastructure;
using Mnist.OnnxRuntime;
using Xunit.Abstractions;

namespace Mnist.Onnx.Tests;

/// <summary>
/// <see cref="OnnxClassifier"/>, the TorchSharp-free <see cref="IClassifier"/>: it predicts what the exported model
/// predicts, through every route, and refuses files it cannot serve with typed errors naming the file.
/// </summary>
public sealed class OnnxClassifierTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string[] Names = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static SequentialBuilder Small() =>
        Sequential.Input(1, 28, 28).Normalize(TestData.Normalizer).Conv2D(8, 3, Activation.ReLU).MaxPool2D().BatchNorm().Flatten().Dropout(0.25).Dense(10, Activation.Softmax);

    private static void ShouldAgree(ClassProbabilities torch, ClassProbabilities onnx, ITestOutputHelper output, string label)
    {
        var comparison = Comparison.Of(torch, onnx.ToArray());
        output.WriteLine($"{label}: max |p_onnx − p_torch| = {comparison.MaxAbsDifference:E3}; arg-max differs on {comparison.ArgMaxMismatches} of {comparison.SampleCount}");
        comparison.ShouldAgree();
    }

    [Fact]
    public void A_trained_preset_served_by_ONNX_Runtime_predicts_what_TorchSharp_predicts_on_1000_test_images()
    {
        using var model = Trainer.Trained(KnownModels.NotebookMiniNet(TestData.Normalizer).WithClassNames(Names), seed: 21, images: 640);
        string path = _dir.File("notebook.onnx");
        model.ExportOnnx(path);
        var test = TestData.Test1000;

        using var onnx = OnnxClassifier.Load(path);

        onnx.InputShape.Should().Be(model.InputShape);
        onnx.ClassNames.Should().Equal(Names, "the class names travel in the file's metadata");
        onnx.ClassCount.Should().Be(10);
        onnx.Should().NotBeAssignableTo<ITensorClassifier>("it computes without TorchSharp");
        var torch = model.PredictProba(test.Batches(256));
        ShouldAgree(torch, onnx.PredictProba(TestData.Pixels(test), test.Count), output, "span route");
        ShouldAgree(torch, onnx.PredictProba(test.Batches(100)), output, "batch-source route (Core's extensions)");
        onnx.Evaluate(test).Accuracy.Should().Be(model.Evaluate(test).Accuracy);
    }

    [Fact]
    public void An_exported_ensemble_served_by_ONNX_Runtime_predicts_what_the_ensemble_predicts()
    {
        using var ensemble = ModelEnsemble.FromModels([Trainer.Trained(Small(), seed: 1, images: 256), Trainer.Trained(Small(), seed: 2, images: 256)], seed: 3, combination: EnsembleCombination.GeometricMean);
        string path = _dir.File("ensemble.onnx");
        ensemble.ExportOnnx(path);
        var test = TestData.Test1000;

        using var onnx = OnnxClassifier.Load(path);

        ShouldAgree(ensemble.PredictProba(test.Batches(256)), onnx.PredictProba(TestData.Pixels(test), test.Count), output, "geometric-mean ensemble");
        onnx.ClassNames.Should().Equal(ensemble.ClassNames);
        onnx.Metadata[OnnxMetadataKeys.MemberCount].Should().Be("2");
    }

    [Fact]
    public void Predictions_do_not_depend_on_the_batch_size_or_on_concurrent_callers()
    {
        using var model = Small().Build(new ModelOptions { Seed = 4 });
        string path = _dir.File("small.onnx");
        model.ExportOnnx(path);
        var test = TestData.Test1000.Slice(0, 300);
        var pixels = TestData.Pixels(test);
        using var whole = OnnxClassifier.Load(path, new OnnxClassifierOptions { BatchSize = 300 });
        using var chunked = OnnxClassifier.Load(path, new OnnxClassifierOptions { BatchSize = 7 });
        var expected = whole.PredictProba(pixels, test.Count).ToArray();

        chunked.PredictProba(pixels, test.Count).ToArray().Should().Equal(expected);
        var results = new float[6][];
        Parallel.For(0, results.Length, i => results[i] = chunked.PredictProba(pixels, test.Count).ToArray());
        foreach (var result in results) result.Should().Equal(expected);
    }

    [Fact]
    public void Files_that_cannot_serve_as_a_classifier_are_typed_errors_naming_the_file()
    {
        using var model = Small().Build(new ModelOptions { Seed = 5 });
        using var stream = new MemoryStream();
        model.ExportOnnx(stream);
        byte[] bytes = stream.ToArray();

        var missing = () => OnnxClassifier.Load(_dir.File("missing.onnx"));
        missing.Should().Throw<FileNotFoundException>().Where(e => e.FileName == _dir.File("missing.onnx"));

        foreach (var (name, content, message) in new[]
                 {
                     ("empty.onnx", Array.Empty<byte>(), "*empty*"),
                     ("image.onnx", Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="), "*not a valid ONNX model*"),
                     ("text.onnx", "name,label\n1,2\n"u8.ToArray(), "*not a valid ONNX model*"),
                     ("truncated.onnx", bytes[..(bytes.Length / 2)], "*not a valid ONNX model*"),
                 })
        {
            string path = Write(name, content);
            var act = () => OnnxClassifier.Load(path);
            act.Should().Throw<OnnxModelFileException>().Where(e => e.FilePath == path).WithMessage(path + ": " + message);
        }

        string big = Write("big.onnx", bytes);
        var tooLarge = () => OnnxClassifier.Load(big, new OnnxClassifierOptions { MaxFileBytes = 1000 });
        tooLarge.Should().Throw<OnnxModelFileException>().WithMessage($"{big}: the file has {bytes.Length:N0} bytes, more than the limit of 1,000*");
        tooLarge.Should().Throw<MnistFileException>("ONNX file errors belong to the library's family of file errors");
    }

    [Fact]
    public void A_graph_that_does_not_take_images_is_refused_naming_its_input()
    {
        using var flat = Sequential.Input(new TensorShape(784)).Dense(10, Activation.Softmax).Build(new ModelOptions { Seed = 6 });
        string path = _dir.File("flat.onnx");
        flat.ExportOnnx(path);

        var act = () => OnnxClassifier.Load(path);

        act.Should().Throw<OnnxModelFileException>().Where(e => e.FilePath == path)
            .WithMessage($"{path}: input 'images' is Float of shape (N, 784); an image classifier takes float images (N, C, H, W)*");
    }

    [Fact]
    public void Class_names_in_the_metadata_that_do_not_fit_the_output_are_refused()
    {
        using var model = Small().Build(new ModelOptions { Seed = 7 });
        using var stream = new MemoryStream();
        model.ExportOnnx(stream);
        var proto = ModelProto.Parser.ParseFrom(stream.ToArray());
        proto.MetadataProps.Single(p => p.Key == OnnxMetadataKeys.ClassNames).Value = "[\"a\",\"b\"]";
        string path = Write("names.onnx", proto.ToByteArray());

        var act = () => OnnxClassifier.Load(path);

        act.Should().Throw<OnnxModelFileException>().WithMessage($"{path}: metadata 'mnist.class_names' must name each of the 10 classes*holds 2 entries*");
        OnnxClassifier.ClassNamesKey.Should().Be(OnnxMetadataKeys.ClassNames, "the runtime reads the key the exporter writes");
        OnnxClassifier.InputShapeKey.Should().Be(OnnxMetadataKeys.InputShape);
    }

    [Fact]
    public void Options_are_validated_and_disposal_is_final()
    {
        var bad = () => OnnxClassifier.Load(_dir.File("x.onnx"), new OnnxClassifierOptions { BatchSize = 0 });
        bad.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("BatchSize");

        using var model = Small().Build(new ModelOptions { Seed = 8 });
        string path = _dir.File("d.onnx");
        model.ExportOnnx(path);
        var onnx = OnnxClassifier.Load(path);
        onnx.Dispose();
        var predict = () => onnx.PredictProba(new float[784], 1);
        predict.Should().Throw<ObjectDisposedException>();
    }

    private string Write(string name, byte[] bytes)
    {
        string path = _dir.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
