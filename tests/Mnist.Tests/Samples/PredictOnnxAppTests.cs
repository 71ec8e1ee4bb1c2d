using System.Globalization;
using Mnist.Data;
using Mnist.Models;
using Mnist.Onnx;
using Mnist.Predict.Classification;
using Mnist.Tests.Data;
using Mnist.Tests.Infrastructure;
using Mnist.Training;
using TorchSharp;
using Xunit.Abstractions;

namespace Mnist.Tests.Samples;

/// <summary>
/// samples/Mnist.Predict.Onnx as a user runs it (a child process of the built app): it classifies the sample images with
/// an exported model on ONNX Runtime alone — its output folder holds no TorchSharp and no LibTorch — and prints what the
/// TorchSharp model it was exported from predicts.
/// </summary>
public sealed class PredictOnnxAppTests(MnistTrainingSetFixture mnist, ITestOutputHelper log) : IClassFixture<MnistTrainingSetFixture>, IDisposable
{
    private static readonly string SampleImages = Path.Combine(RepoPaths.Root, "samples", "Mnist.Predict", "images");
    private static readonly string AppFolder = Path.Combine(RepoPaths.Root, "samples", "Mnist.Predict.Onnx", "bin", RepoPaths.Configuration, "net10.0");

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private (int Code, string Output) RunApp(params string[] args)
    {
        string app = Path.Combine(AppFolder, "Mnist.Predict.Onnx.dll");
        File.Exists(app).Should().BeTrue($"the ONNX-only sample is built with the tests ({app})");
        var result = ProcessRunner.Run("dotnet", [app, .. args], RepoPaths.Root, TimeSpan.FromMinutes(2));
        log.WriteLine(result.Output);
        return result;
    }

    [Fact]
    public void The_app_has_no_torchsharp_or_libtorch_in_its_output_folder()
    {
        var files = Directory.EnumerateFiles(AppFolder, "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToArray();

        files.Should().Contain("Mnist.OnnxRuntime.dll").And.Contain("Microsoft.ML.OnnxRuntime.dll").And.Contain("libonnxruntime.so");
        files.Should().NotContain(f => f!.StartsWith("TorchSharp", StringComparison.OrdinalIgnoreCase)
                                       || f.StartsWith("libtorch", StringComparison.OrdinalIgnoreCase)
                                       || f.StartsWith("libLibTorchSharp", StringComparison.OrdinalIgnoreCase)
                                       || f.StartsWith("Mnist.Core", StringComparison.OrdinalIgnoreCase)
                                       || f.StartsWith("Mnist.Ensemble", StringComparison.OrdinalIgnoreCase));
        File.ReadAllText(Path.Combine(AppFolder, "Mnist.Predict.Onnx.deps.json")).Should().NotContainAny("TorchSharp", "libtorch", "Mnist.Core");
    }

    [Fact]
    public void An_exported_model_classifies_the_sample_images_as_the_torchsharp_model_does()
    {
        TorchRuntime.EnsureInitialized();
        string model = _dir.Combine("small.mnistmodel"), onnx = _dir.Combine("small.onnx");
        using (var trained = Sequential.Input(1, 28, 28).Normalize(33.3f, 78.6f).Conv2D(8, 3, Activation.ReLU).MaxPool2D().Flatten().Dense(10, Activation.Softmax)
                   .Build(new ModelOptions { Seed = 11 }))
        {
            trained.Compile(new AdamOptions { LearningRate = 0.003 });
            trained.Fit(mnist.Train.Slice(0, 3000).Batches(64, shuffle: true, seed: 11));
            trained.Save(model);
            trained.ExportOnnx(onnx);
        }

        var (code, output) = RunApp(onnx, SampleImages, "--top", "2");

        code.Should().Be(0, output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines[0].Should().Be("Classifier: ONNX model small.onnx (10 classes, input 1×28×28, ONNX Runtime)");
        lines[^1].Should().Be("10 image(s) classified.");
        using var classifier = DigitClassifierLoader.Load(model);
        var expected = new DigitFileClassifier(classifier, DigitFileClassifier.CreatePreprocessor(28)).Classify(ImageFiles.Expand([SampleImages]));
        lines[1..^1].Should().HaveCount(expected.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            // "samples/Mnist.Predict/images/digit-0-test0003.png  0  99.8 %   6   0.2 %"
            string line = lines[1 + i];
            string file = line.Split("  ", 2)[0].Trim();
            Path.GetFileName(file).Should().Be(Path.GetFileName(expected[i].Path));
            var tokens = line.Split("  ", 2)[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            int predicted = int.Parse(tokens[0], CultureInfo.InvariantCulture);
            double percent = double.Parse(tokens[1], CultureInfo.InvariantCulture);
            predicted.Should().Be(expected[i].Prediction!.PredictedClass, line);
            percent.Should().BeApproximately(expected[i].Prediction!.Probabilities[predicted] * 100, 0.051, line);
        }
    }

    [Fact]
    public void Bad_models_and_usage_are_one_error_line_with_the_sample_exit_codes()
    {
        string garbage = _dir.Combine("garbage.onnx");
        File.WriteAllText(garbage, "not a protobuf message");

        var bad = RunApp(garbage, SampleImages);
        bad.Code.Should().Be(3);
        bad.Output.Trim().Should().StartWith($"error: {garbage}: cannot load the model: not a valid ONNX model").And.NotContain("\n");

        var missing = RunApp(_dir.Combine("missing.onnx"), SampleImages);
        missing.Code.Should().Be(3);
        missing.Output.Trim().Should().StartWith($"error: {_dir.Combine("missing.onnx")}: cannot load the model: ");

        var usage = RunApp(garbage);
        usage.Code.Should().Be(2);
        usage.Output.Should().Contain("error: give an .onnx model and at least one image file or folder.");
    }
}
