using System.Globalization;
using Mnist.Preprocessing;
using Mnist.Data;
using Mnist.Ensemble;
using Mnist.Models;
using Mnist.Predict;
using Mnist.Predict.Classification;
using Mnist.Predict.Samples;
using Mnist.Samples;
using Mnist.Tests.Data;
using Mnist.Tests.Infrastructure;
using Mnist.Training;
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

    private static (int Code, string Output, string Error) RunPredict(PredictSettings settings, Func<string, IClassifier> load)
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var error = new StringWriter(CultureInfo.InvariantCulture);
        int code = PredictApp.Predict(settings, load, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>The only line of <paramref name="error"/>, which must start with "error: ".</summary>
    private static string SingleErrorLine(string error)
    {
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines.Should().ContainSingle("every failure is exactly one line: {0}", error);
        lines[0].Should().StartWith("error: ");
        return lines[0];
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
            ensemble.Fit(train);
            ensemble.Save(folder);
        }

        var (code, output, error) = Run("--model", folder, SampleImages);

        code.Should().Be(ExitCodes.Success, error);
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

        code.Should().Be(ExitCodes.PartialFailure);
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

        code.Should().Be(ExitCodes.Success);
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

        code.Should().Be(ExitCodes.Success);
        using var saved = Image.Load<L8>(Path.Combine(folder, Path.GetFileNameWithoutExtension(file) + ".png"));
        var pixels = new byte[28 * 28];
        saved.CopyPixelDataTo(pixels);
        pixels.Should().Equal(DigitImagePreprocessor.Default.Preprocess(file));
    }

    [Fact]
    public void Usage_errors_exit_with_code_2_and_unloadable_models_with_code_3()
    {
        string image = Directory.GetFiles(SampleImages).First();

        var noModel = Run(image);
        noModel.Code.Should().Be(ExitCodes.Usage);
        noModel.Error.Should().Contain("Option '--model' is required");

        string notAModel = _dir.Combine("fake.mnistmodel");
        File.WriteAllText(notAModel, "{}");
        var badTop = Run("--model", notAModel, "--top", "0", image);
        badTop.Code.Should().Be(ExitCodes.Usage);
        badTop.Error.Should().Contain("--top must be at least 1");

        var missingModel = Run("--model", _dir.Combine("nope.mnistmodel"), image);
        missingModel.Code.Should().Be(ExitCodes.BadInput);
        SingleErrorLine(missingModel.Error).Should().StartWith($"error: {_dir.Combine("nope.mnistmodel")}: cannot load the model: ");

        var fake = Run("--model", notAModel, image);
        fake.Code.Should().Be(ExitCodes.BadInput);
        SingleErrorLine(fake.Error).Should().StartWith($"error: {notAModel}: cannot load the model: ");
    }

    [Fact]
    public void A_loader_failure_of_any_kind_is_one_error_line_naming_the_model_file()
    {
        // What crafted model files made the loader throw before Core checked them: an overflow, a native allocation
        // failure whose message carries native stack frames.
        string image = Directory.GetFiles(SampleImages).First();
        var settings = new PredictSettings("evil.mnistmodel", [image]);
        Exception[] failures =
        [
            new OverflowException("Arithmetic operation resulted in an overflow."),
            new System.Runtime.InteropServices.ExternalException("[enforce fail at alloc_cpu.cpp:117] DefaultCPUAllocator: can't allocate memory\nframe #0: c10::ThrowEnforceNotMet\nframe #1: at::empty"),
            new OutOfMemoryException(),
        ];

        foreach (var failure in failures)
        {
            var (code, output, error) = RunPredict(settings, _ => throw failure);

            code.Should().Be(ExitCodes.BadInput, failure.GetType().Name);
            SingleErrorLine(error).Should().StartWith($"error: evil.mnistmodel: cannot load the model: {failure.GetType().Name}: ");
            error.Should().NotContain("frame #").And.NotContain("   at ");
            output.Should().BeEmpty();
        }

        var noTorch = RunPredict(settings, _ => throw new TorchRuntimeException("LibTorch was not found.\nInstall TorchSharp-cpu."));
        noTorch.Code.Should().Be(ExitCodes.Environment);
        SingleErrorLine(noTorch.Error).Should().Be("error: LibTorch cannot be loaded: LibTorch was not found. Install TorchSharp-cpu.");
    }

    [Fact]
    public void A_classifier_that_outputs_nan_is_refused_naming_the_model_file_and_nothing_is_printed_as_a_prediction()
    {
        string[] images = Directory.GetFiles(SampleImages).Order(StringComparer.Ordinal).Take(3).ToArray();
        var settings = new PredictSettings("poisoned.mnistmodel", images);

        foreach (float bad in new[] { float.NaN, float.PositiveInfinity })
        {
            var (code, output, error) = RunPredict(settings, _ => new FixedClassifier(bad));

            code.Should().Be(ExitCodes.BadInput);
            SingleErrorLine(error).Should().Be($"error: poisoned.mnistmodel: the model's output for {images[0]} is not a finite probability "
                                               + "(its weights are probably NaN or infinite); nothing was classified.");
            output.Should().NotContain("%").And.NotContain("NaN").And.NotContain("classified");
        }

        var fine = RunPredict(settings, _ => new FixedClassifier(0.1f));
        fine.Code.Should().Be(ExitCodes.Success, fine.Error);
    }

    [Fact]
    public void A_model_file_with_nan_weights_is_refused_with_exit_code_3_and_one_error_line_naming_it()
    {
        // Core may refuse the file when loading it, or the app refuses its output: either way one line, exit 3, no "NaN %".
        string path = _dir.Combine("nan.mnistmodel");
        using (var model = Sequential.Input(1, 28, 28).Normalize(33f, 78f).Flatten().Dense(10, Activation.Softmax).Build(new ModelOptions { Seed = 2 }))
        {
            using (torch.no_grad())
            {
                foreach (var parameter in model.Network.parameters()) parameter.fill_(float.NaN);
            }

            model.Save(path);
        }

        var (code, output, error) = Run("--model", path, SampleImages);

        code.Should().Be(ExitCodes.BadInput);
        SingleErrorLine(error).Should().StartWith($"error: {path}: ");
        output.Should().NotContain("NaN");
    }

    [Fact]
    public void A_classifier_that_fails_while_classifying_is_one_error_line_naming_the_model_file()
    {
        var settings = new PredictSettings("broken.mnistmodel", [Directory.GetFiles(SampleImages).First()]);

        var (code, _, error) = RunPredict(settings, _ => new FixedClassifier(0.1f, fail: true));

        code.Should().Be(ExitCodes.BadInput);
        SingleErrorLine(error).Should().Be("error: broken.mnistmodel: the model failed to classify the images: ExternalException: shape '[1, 10]' is invalid");
    }

    [Fact]
    public void When_every_image_fails_the_exit_code_is_3_and_each_failure_is_one_line()
    {
        string broken = _dir.Combine("broken.png");
        File.WriteAllText(broken, "not a png");
        string missing = _dir.Combine("missing.jpg");
        var settings = new PredictSettings("model.mnistmodel", [broken, missing]);

        var (code, output, error) = RunPredict(settings, _ => new FixedClassifier(0.1f));

        code.Should().Be(ExitCodes.BadInput);
        error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().SatisfyRespectively(
            first => first.Should().StartWith($"error: {broken}: not an image"),
            second => second.Should().StartWith($"error: {missing}: cannot be read"));
        output.Should().EndWith("0 of 2 image(s) classified; 2 failed." + Environment.NewLine);

        string empty = _dir.Combine("empty");
        Directory.CreateDirectory(empty);
        var none = RunPredict(settings with { Images = [empty] }, _ => new FixedClassifier(0.1f));
        none.Code.Should().Be(ExitCodes.BadInput);
        SingleErrorLine(none.Error).Should().StartWith($"error: {empty}: no image files found");
    }

    [Fact]
    public void An_unusable_save_preprocessed_path_is_one_error_line_with_exit_code_4_and_no_stack_trace()
    {
        string image = Directory.GetFiles(SampleImages).First();
        string aFile = _dir.Combine("a-file.txt");
        File.WriteAllText(aFile, "in the way");
        string[] unusable =
        [
            aFile, // a file where the folder should be
            Path.Combine(aFile, "seen"), // a file as the parent
            _dir.Combine("no", "such", "parent"), // a parent that does not exist (only the last folder is created)
            "/proc/mnist-seen", // a read-only parent, read-only even for root
        ];

        foreach (string folder in unusable)
        {
            var (code, output, error) = RunPredict(new PredictSettings("model.mnistmodel", [image], SavePreprocessedDirectory: folder), _ => new FixedClassifier(0.1f));

            code.Should().Be(ExitCodes.Environment, folder);
            SingleErrorLine(error).Should().StartWith($"error: {folder}: cannot write the preprocessed images: ");
            error.Should().NotContain("   at ");
            output.Should().NotContain("classified");
        }

        Directory.Exists(_dir.Combine("no")).Should().BeFalse("nothing is created for a path that cannot be used");
    }

    [Fact]
    public void Save_preprocessed_creates_the_last_folder_of_the_path()
    {
        string folder = _dir.Combine("seen");
        string image = Directory.GetFiles(SampleImages, "digit-3-*").Single();

        var (code, _, error) = RunPredict(new PredictSettings("model.mnistmodel", [image], SavePreprocessedDirectory: folder), _ => new FixedClassifier(0.1f));

        code.Should().Be(ExitCodes.Success, error);
        Directory.GetFiles(folder).Select(Path.GetFileName).Should().Equal(Path.GetFileNameWithoutExtension(image) + ".png");
    }

    [Fact]
    public void A_model_that_does_not_take_square_single_channel_images_is_refused()
    {
        TorchRuntime.EnsureInitialized();
        using var model = Sequential.Input(3, 28, 28).Flatten().Dense(10, Activation.Softmax).Build(new ModelOptions { Seed = 1 });

        var act = () => DigitClassifierLoader.CheckDigitClassifier(model, "rgb.mnistmodel");

        act.Should().Throw<ArgumentException>().WithMessage("rgb.mnistmodel: the model's input is*one channel of square images*");
    }

    /// <summary>A classifier that gives every image the same probabilities: <paramref name="value"/> for each of 10 classes.</summary>
    private sealed class FixedClassifier(float value, bool fail = false) : ITensorClassifier
    {
        public TensorShape InputShape { get; } = new(1, 28, 28);

        public int ClassCount => 10;

        public IReadOnlyList<string> ClassNames { get; } = Enumerable.Range(0, 10).Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray();

        public ClassProbabilities PredictProba(ReadOnlySpan<float> images, int count) => TensorPrediction.PredictProba(this, images, count);

        public torch.Tensor PredictProba(torch.Tensor images)
        {
            if (fail) throw new System.Runtime.InteropServices.ExternalException("shape '[1, 10]' is invalid\nframe #0: at::infer_size");
            return torch.full(new long[] { images.shape[0], ClassCount }, value, dtype: torch.float32);
        }

        public void Dispose()
        {
        }
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
