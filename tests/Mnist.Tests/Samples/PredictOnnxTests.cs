using System.Globalization;
using Mnist.Data;
using Mnist.Ensemble;
using Mnist.Models;
using Mnist.Onnx;
using Mnist.OnnxRuntime;
using Mnist.Predict;
using Mnist.Predict.Classification;
using Mnist.Samples;
using Mnist.Tests.Data;
using Mnist.Tests.Infrastructure;
using Mnist.Training;
using TorchSharp;

namespace Mnist.Tests.Samples;

/// <summary>
/// samples/Mnist.Predict with <c>--model x.onnx</c>: the file runs on ONNX Runtime (Mnist.OnnxRuntime) and gives the
/// same answers as the TorchSharp model or ensemble it was exported from; a bad .onnx file is one error line, exit 3.
/// </summary>
public sealed class PredictOnnxTests : IClassFixture<MnistTrainingSetFixture>, IDisposable
{
    private static readonly string SampleImages = Path.Combine(RepoPaths.Root, "samples", "Mnist.Predict", "images");

    private readonly MnistTrainingSetFixture _mnist;
    private readonly TempDirectory _dir = new();

    public PredictOnnxTests(MnistTrainingSetFixture mnist)
    {
        _mnist = mnist;
        TorchRuntime.EnsureInitialized();
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>A small convnet with batch norm and dropout, trained for one epoch on 3,000 digits (seconds), saved and exported.</summary>
    private (string Model, string Onnx) SaveAndExportModel()
    {
        string model = _dir.Combine("small.mnistmodel"), onnx = _dir.Combine("small.onnx");
        using var trained = Sequential.Input(1, 28, 28).Normalize(33.3f, 78.6f).Conv2D(8, 3, Activation.ReLU).BatchNorm().MaxPool2D()
            .Flatten().Dropout(0.2).Dense(10, Activation.Softmax).Build(new ModelOptions { Seed = 7 });
        trained.Compile(new AdamOptions { LearningRate = 0.003 });
        trained.Fit(_mnist.Train.Slice(0, 3000).Batches(64, shuffle: true, seed: 7));
        trained.Save(model);
        trained.ExportOnnx(onnx);
        return (model, onnx);
    }

    private (string Folder, string Onnx) SaveAndExportEnsemble()
    {
        string folder = _dir.Combine("ensemble"), onnx = _dir.Combine("ensemble.onnx");
        using var ensemble = Sequential.Input(1, 28, 28).Normalize(33.3f, 78.6f).Conv2D(4, 3, Activation.ReLU).MaxPool2D().Flatten().Dense(10, Activation.Softmax)
            .ToEnsemble(members: 2, seed: 5).Build();
        ensemble.Fit(_mnist.Train.Slice(0, 2000));
        ensemble.Save(folder);
        ensemble.ExportOnnx(onnx);
        return (folder, onnx);
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var error = new StringWriter(CultureInfo.InvariantCulture);
        int code = PredictApp.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>The file → (class, percent) lines of the app's output, after its "Classifier:" line.</summary>
    private static Dictionary<string, List<(int Class, double Percent)>> ParseLines(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var result = new Dictionary<string, List<(int, double)>>(StringComparer.Ordinal);
        foreach (string line in lines[1..^1])
        {
            var parts = line.Split("  ", 2);
            var tokens = parts[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var top = new List<(int, double)>();
            for (int i = 0; i + 2 < tokens.Length; i += 3)
                top.Add((int.Parse(tokens[i], CultureInfo.InvariantCulture), double.Parse(tokens[i + 1], CultureInfo.InvariantCulture)));
            result[parts[0].Trim()] = top;
        }

        return result;
    }

    /// <summary>Every sample image's probabilities through the app's loader and file classifier (what the app prints from).</summary>
    private static IReadOnlyList<FileOutcome> ClassifySamples(string modelPath)
    {
        using var classifier = DigitClassifierLoader.Load(modelPath);
        var files = ImageFiles.Expand([SampleImages]);
        return new DigitFileClassifier(classifier, DigitFileClassifier.CreatePreprocessor(28)).Classify(files);
    }

    private static void AssertSameAnswers(string torchPath, string onnxPath, string expectedOnnxDescription)
    {
        var torch = Run("--model", torchPath, SampleImages);
        var onnx = Run("--model", onnxPath, SampleImages);

        torch.Code.Should().Be(ExitCodes.Success, torch.Error);
        onnx.Code.Should().Be(ExitCodes.Success, onnx.Error);
        onnx.Error.Should().BeEmpty();
        onnx.Output.Split('\n')[0].Trim().Should().Be("Classifier: " + expectedOnnxDescription);
        onnx.Output.TrimEnd().Should().EndWith("10 image(s) classified.");

        // Probabilities: every class of every image within 1e-4 (the file classifier is what the app prints from).
        var expected = ClassifySamples(torchPath);
        var actual = ClassifySamples(onnxPath);
        actual.Select(o => o.Path).Should().Equal(expected.Select(o => o.Path));
        for (int i = 0; i < expected.Count; i++)
        {
            var p = expected[i].Prediction!.Probabilities;
            var q = actual[i].Prediction!.Probabilities;
            q.Should().HaveCount(10);
            for (int c = 0; c < 10; c++) q[c].Should().BeApproximately(p[c], 1e-4f, $"{expected[i].Path}, class {c}");
            actual[i].Prediction!.PredictedClass.Should().Be(expected[i].Prediction!.PredictedClass, expected[i].Path);
        }

        // The printed top 3: the same classes in the same order (unless two probabilities are within 1e-4 of each other,
        // where float rounding may order them either way) and the same percentages to the printed 0.1.
        var torchLines = ParseLines(torch.Output);
        var onnxLines = ParseLines(onnx.Output);
        onnxLines.Keys.Should().BeEquivalentTo(torchLines.Keys);
        foreach (var outcome in expected)
        {
            var probabilities = outcome.Prediction!.Probabilities;
            var t = torchLines[outcome.Path];
            var o = onnxLines[outcome.Path];
            o.Should().HaveCount(3);
            o[0].Class.Should().Be(t[0].Class, outcome.Path);
            for (int k = 0; k < 3; k++)
            {
                if (o[k].Class != t[k].Class)
                    Math.Abs(probabilities[o[k].Class] - probabilities[t[k].Class]).Should().BeLessThan(1e-4f, $"{outcome.Path}: rank {k + 1} differs beyond a tie");
                o[k].Percent.Should().BeApproximately(probabilities[o[k].Class] * 100, 0.051, $"{outcome.Path}, rank {k + 1}");
            }
        }
    }

    [Fact]
    public void An_exported_model_gives_the_same_top_classes_and_probabilities_as_its_model_file()
    {
        var (model, onnx) = SaveAndExportModel();

        AssertSameAnswers(model, onnx, "ONNX model small.onnx (10 classes, input 1×28×28, ONNX Runtime)");
    }

    [Fact]
    public void An_exported_ensemble_gives_the_same_top_classes_and_probabilities_as_its_folder()
    {
        var (folder, onnx) = SaveAndExportEnsemble();

        AssertSameAnswers(folder, onnx, "ONNX ensemble ensemble.onnx (2 members, ArithmeticMean, 10 classes, input 1×28×28, ONNX Runtime)");
        using var classifier = DigitClassifierLoader.Load(onnx);
        classifier.Should().BeOfType<OnnxClassifier>("an .onnx path is opened with ONNX Runtime, not TorchSharp");
    }

    [Fact]
    public void The_extension_decides_so_an_onnx_file_in_any_case_runs_on_onnx_runtime()
    {
        var (_, onnx) = SaveAndExportModel();
        string upper = _dir.Combine("SMALL.ONNX");
        File.Copy(onnx, upper);

        var (code, output, error) = Run("--model", upper, Directory.GetFiles(SampleImages, "digit-7-*").Single());

        code.Should().Be(ExitCodes.Success, error);
        output.Should().StartWith("Classifier: ONNX model SMALL.ONNX (10 classes, input 1×28×28, ONNX Runtime)");
        DigitClassifierLoader.IsOnnx("model.mnistmodel").Should().BeFalse();
        DigitClassifierLoader.IsOnnx("x/ensemble.Onnx").Should().BeTrue();
    }

    [Fact]
    public void A_corrupt_or_truncated_onnx_file_is_exit_code_3_with_one_error_line_naming_the_file()
    {
        var (model, onnx) = SaveAndExportModel();
        string image = Directory.GetFiles(SampleImages).Order(StringComparer.Ordinal).First();
        string garbage = _dir.Combine("garbage.onnx");
        File.WriteAllText(garbage, "this is not a protobuf message at all");
        string truncated = _dir.Combine("truncated.onnx");
        var bytes = File.ReadAllBytes(onnx);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        string empty = _dir.Combine("empty.onnx");
        File.WriteAllBytes(empty, []);
        string renamedModelFile = _dir.Combine("zip.onnx");
        File.Copy(model, renamedModelFile); // a .mnistmodel (zip) under an .onnx name

        foreach (string bad in new[] { garbage, truncated, empty, renamedModelFile })
        {
            var (code, output, error) = Run("--model", bad, image);

            code.Should().Be(ExitCodes.BadInput, $"{bad}: {error}");
            var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            lines.Should().ContainSingle($"every failure is one line: {error}");
            lines[0].Should().StartWith($"error: {bad}: cannot load the model: ");
            lines[0].Should().NotContain($"{bad}: {bad}", "the path is named once");
            error.Should().NotContain("   at ");
            output.Should().BeEmpty();
        }

        var missing = Run("--model", _dir.Combine("missing.onnx"), image);
        missing.Code.Should().Be(ExitCodes.BadInput);
        missing.Error.Trim().Should().StartWith($"error: {_dir.Combine("missing.onnx")}: cannot load the model: ").And.NotContain("\n");
    }

    [Fact]
    public void An_onnx_graph_that_is_not_a_digit_classifier_is_refused_naming_the_file()
    {
        string rgb = _dir.Combine("rgb.onnx");
        using (var model = Sequential.Input(3, 28, 28).Flatten().Dense(10, Activation.Softmax).Build(new ModelOptions { Seed = 1 })) model.ExportOnnx(rgb);

        var (code, _, error) = Run("--model", rgb, Directory.GetFiles(SampleImages).First());

        code.Should().Be(ExitCodes.BadInput);
        error.Trim().Should().StartWith($"error: {rgb}: cannot load the model: ").And.Contain("one channel of square images");
    }
}
