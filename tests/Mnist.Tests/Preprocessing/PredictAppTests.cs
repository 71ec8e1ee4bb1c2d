using System.Globalization;
using Mnist.Preprocessing;
using Mnist.Batching;
using Mnist.Data;
using Mnist.Ensemble;
using Mnist.Models;
using Mnist.Predict;
using Mnist.Predict.Classification;
using Mnist.Predict.Samples;
using Mnist.Runtime;
using Mnist.Tests.Data;
using Mnist.Tests.Infrastructure;
using Mnist.Training.Optimizers;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;

namespace Mnist.Tests.Preprocessing;

public sealed class PredictAppTests : IClassFixture<MnistTrainingSetFixture>, IDisposable
{
    private static readonly string SampleImages = Path.Combine(RepoPaths.Root, "samples", "Mnist.Predict", "images");

    private readonly MnistTrainingSetFixture _mnist;
    private readonly TempDirectory _dir = new();

    public PredictAppTests(MnistTrainingSetFixture mnist)
    {
        _mnist = mnist;
        TorchRuntime.EnsureInitialized();
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>A tiny convnet trained on 6,000 digits for one epoch (a few seconds, ~96 % accurate), saved as a whole-model file.</summary>
    private string SaveTinyTrainedModel()
    {
        string path = _dir.Combine("tiny.mnistmodel");
        using var model = Sequential.Input(1, 28, 28).Normalize(33f, 78f).Conv2D(8, 3, Activation.ReLU).MaxPool2D().Flatten().Dense(10, Activation.Softmax)
            .Build(new ModelOptions { Seed = 3 });
        model.Compile(new AdamOptions { LearningRate = 0.003 });
        model.Fit(_mnist.Train.Slice(0, 6000).Batches(64, shuffle: true, seed: 3));
        model.Save(path);
        return path;
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var error = new StringWriter(CultureInfo.InvariantCulture);
        int code = PredictApp.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static int LabelOf(string sampleFile) => int.Parse(Path.GetFileName(sampleFile).Split('-')[1], CultureInfo.InvariantCulture);

    private static int TestIndexOf(string sampleFile) => int.Parse(Path.GetFileNameWithoutExtension(sampleFile).Split('-')[2]["test".Length..], CultureInfo.InvariantCulture);

    [Fact]
    public void An_ensemble_folder_classifies_with_the_averaged_probabilities_of_its_members()
    {
        string folder = _dir.Combine("ensemble");
        var train = _mnist.Train.Slice(0, 3000);
        using (var ensemble = Sequential.Input(1, 28, 28).Normalize(33f, 78f).Flatten().Dense(10, Activation.Softmax).ToEnsemble(members: 2, seed: 5).Build())
        {
            ensemble.Fit(train, Mnist.Ensemble.TrainingSchedule.Epochs(1));
            ensemble.Save(folder);
        }

        var (code, output, error) = Run("--model", folder, SampleImages);

        code.Should().Be(PredictApp.ExitSuccess, error);
        output.Should().StartWith("Classifier: ensemble ensemble (2 members, ArithmeticMean, 10 classes, input 1×28×28)");
        using var classifier = Mnist.Predict.Classification.DigitClassifierLoader.Load(folder);
        using var loaded = Mnist.Ensemble.ModelEnsemble.Load(folder);
        var digit = DigitImagePreprocessor.Default.Preprocess(Directory.GetFiles(SampleImages).Order(StringComparer.Ordinal).First());
        var viaApp = classifier.PredictProba(digit.Select(b => (float)b).ToArray(), 1);
        using var image = TorchSharp.torch.tensor(digit.Select(b => (float)b).ToArray(), [1, 1, 28, 28]);
        using var direct = loaded.PredictProba(image);
        var expected = direct.data<float>().ToArray();
        for (int c = 0; c < 10; c++) viaApp[0, c].Should().BeApproximately(expected[c], 1e-6f);
    }

    [Fact]
    public void The_committed_sample_images_cover_png_jpeg_and_bmp_stay_small_and_preprocess_back_to_their_mnist_originals()
    {
        var files = Directory.GetFiles(SampleImages).Order(StringComparer.Ordinal).ToArray();

        files.Should().HaveCount(10);
        files.Select(Path.GetExtension).Distinct().Should().BeEquivalentTo([".png", ".jpg", ".bmp"]);
        files.Should().OnlyContain(f => new FileInfo(f).Length < 8 * 1024);
        files.Select(LabelOf).Should().Equal(Enumerable.Range(0, 10));
        foreach (string file in files)
        {
            int index = TestIndexOf(file);
            _mnist.Test.GetLabel(index).Should().Be(LabelOf(file));
            var digit = DigitImagePreprocessor.Default.Preprocess(file);
            DigitImages.BestShiftedCorrelation(digit, _mnist.Test.GetImage(index), 28).Should().BeGreaterThan(0.9, file);
        }
    }

    [Fact]
    public void The_sample_generator_reproduces_the_committed_images()
    {
        var written = SampleImageGenerator.Generate(_mnist.Test, _dir.Path);

        written.Select(Path.GetFileName).Should().BeEquivalentTo(Directory.GetFiles(SampleImages).Select(Path.GetFileName));
        foreach (string file in written)
        {
            using var fresh = Image.Load<L8>(file);
            using var committed = Image.Load<L8>(Path.Combine(SampleImages, Path.GetFileName(file)));
            var a = new byte[fresh.Width * fresh.Height];
            var b = new byte[committed.Width * committed.Height];
            fresh.CopyPixelDataTo(a);
            committed.CopyPixelDataTo(b);
            a.Should().Equal(b, file);
        }
    }

    [Fact]
    public void The_app_prints_the_top_3_classes_per_image_reports_bad_files_and_still_classifies_the_rest()
    {
        string model = SaveTinyTrainedModel();
        string broken = _dir.Combine("broken.png");
        File.WriteAllText(broken, "not a png");
        string blank = _dir.Combine("blank.bmp");
        using (var white = new Image<L8>(40, 40, new L8(250))) white.SaveAsBmp(blank);

        var (code, output, error) = Run("--model", model, SampleImages, broken, blank);

        code.Should().Be(PredictApp.ExitSomeImagesFailed);
        error.Should().Contain($"error: {broken}: not an image in a supported format");
        error.Should().Contain($"error: {blank}: the image is blank");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines[0].Should().StartWith("Classifier: model tiny.mnistmodel (10 classes, input 1×28×28, 13,610 parameters)");
        lines[^1].Should().Be("10 of 12 image(s) classified; 2 failed.");
        var predictions = lines[1..^1];
        predictions.Should().HaveCount(10);
        int correct = 0;
        foreach (string line in predictions)
        {
            string file = line.Split("  ", 2)[0].Trim();
            var top = ParseTop(line);
            top.Should().HaveCount(3);
            top.Select(t => t.Percent).Should().BeInDescendingOrder();
            top.Sum(t => t.Percent).Should().BeLessThanOrEqualTo(100.2);
            if (top[0].Class == LabelOf(file)) correct++;
        }

        correct.Should().BeGreaterThanOrEqualTo(8, "the convnet gets ~96 % of MNIST right, and the samples are MNIST test digits once preprocessed");
    }

    [Fact]
    public void The_printed_probabilities_are_the_models_probabilities_for_the_preprocessed_image()
    {
        string modelPath = SaveTinyTrainedModel();
        string file = Directory.GetFiles(SampleImages, "digit-4-*").Single();

        var (code, output, _) = Run("--model", modelPath, "--top", "10", file);

        code.Should().Be(PredictApp.ExitSuccess);
        var printed = ParseTop(output.Split('\n')[1]);
        printed.Should().HaveCount(10);
        using var model = SequentialModel.Load(modelPath);
        var digit = DigitImagePreprocessor.Default.Preprocess(file);
        using var input = torch.tensor(digit.Select(b => (float)b).ToArray(), [1, 1, 28, 28]);
        using var probabilities = model.PredictProba(input);
        var expected = probabilities.data<float>().ToArray();
        foreach (var (cls, percent) in printed) percent.Should().BeApproximately(expected[cls] * 100, 0.051);
    }

    [Fact]
    public void Save_preprocessed_writes_the_28x28_images_the_model_saw()
    {
        string model = SaveTinyTrainedModel();
        string folder = _dir.Combine("seen");
        string file = Directory.GetFiles(SampleImages, "digit-7-*").Single();

        var (code, _, _) = Run("-m", model, "--save-preprocessed", folder, file);

        code.Should().Be(PredictApp.ExitSuccess);
        using var saved = Image.Load<L8>(Path.Combine(folder, Path.GetFileNameWithoutExtension(file) + ".png"));
        var pixels = new byte[28 * 28];
        saved.CopyPixelDataTo(pixels);
        pixels.Should().Equal(DigitImagePreprocessor.Default.Preprocess(file));
    }

    [Fact]
    public void Usage_and_model_errors_exit_with_code_2()
    {
        string image = Directory.GetFiles(SampleImages).First();

        var noModel = Run(image);
        noModel.Code.Should().Be(PredictApp.ExitUsageOrModelError);
        noModel.Error.Should().Contain("Option '--model' is required");

        var missingModel = Run("--model", _dir.Combine("nope.mnistmodel"), image);
        missingModel.Code.Should().Be(PredictApp.ExitUsageOrModelError);
        missingModel.Error.Should().Contain("cannot load the model").And.Contain("nope.mnistmodel");

        string notAModel = _dir.Combine("fake.mnistmodel");
        File.WriteAllText(notAModel, "{}");
        Run("--model", notAModel, image).Code.Should().Be(PredictApp.ExitUsageOrModelError);

        Run("--model", notAModel, "--top", "0", image).Error.Should().Contain("--top must be at least 1");
    }

    [Fact]
    public void A_model_that_does_not_take_square_single_channel_images_is_refused()
    {
        TorchRuntime.EnsureInitialized();
        using var model = Sequential.Input(3, 28, 28).Flatten().Dense(10, Activation.Softmax).Build(new ModelOptions { Seed = 1 });

        var act = () => new ModelDigitClassifier(model, "rgb.mnistmodel");

        act.Should().Throw<ArgumentException>().WithMessage("rgb.mnistmodel: the model's input is*one channel of square images*");
    }

    private static List<(int Class, double Percent)> ParseTop(string line)
    {
        // "<file>  7  99.1 %   3   0.5 %   9   0.2 %"
        var tokens = line.Split("  ", 2)[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var top = new List<(int, double)>();
        for (int i = 0; i + 2 < tokens.Length; i += 3)
        {
            tokens[i + 2].Should().Be("%");
            top.Add((int.Parse(tokens[i], CultureInfo.InvariantCulture), double.Parse(tokens[i + 1], CultureInfo.InvariantCulture)));
        }

        return top;
    }
}
