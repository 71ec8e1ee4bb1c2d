using Microsoft.Extensions.Options;
using Mnist.Models;
using Mnist.Preprocessing;

namespace Mnist.Web.Classification;

/// <summary>
/// The one classifier the app serves, opened at start-up and shared by every request (the library's models and
/// ensembles predict safely from several threads; the app also funnels every forward pass through one
/// <see cref="Prediction.PredictionQueue"/>). Without <c>--model</c> it serves <see cref="DefaultModel.RelativePath"/> when
/// that exists, and otherwise runs without a model, <see cref="Problem"/> saying which command makes one.
/// </summary>
public sealed class ModelHost : IDisposable
{
    private readonly DigitImagePreprocessor[] _preprocessors;

    /// <summary>Resolves the path and opens the classifier.</summary>
    /// <param name="options">The app's settings (<see cref="MnistWebOptions.ModelPath"/>, image limits).</param>
    /// <param name="loaders">The loaders to open it with.</param>
    /// <exception cref="ClassifierLoadException">The model given (or found at the default path) cannot be opened.</exception>
    /// <exception cref="TorchRuntimeException">LibTorch cannot be loaded.</exception>
    public ModelHost(IOptions<MnistWebOptions> options, ClassifierLoaders loaders)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loaders);
        var settings = options.Value;
        settings.Validate();
        string? given = string.IsNullOrWhiteSpace(settings.ModelPath) ? null : settings.ModelPath;
        string path = Path.GetFullPath(given ?? settings.DefaultModelPath);
        ModelPath = path;
        if (given is null && !Directory.Exists(path) && !File.Exists(path))
        {
            Problem = $"No model to serve: no --model was given and the main job's ensemble {settings.DefaultModelPath} ({path}) does not exist. "
                      + $"Make it from the repository root with `{DefaultModel.TrainCommand}` (about 5 minutes on 2 cores; add `-- --quick` for a 75-second one), "
                      + $"then start this app again from there (`{DefaultModel.ServeCommand}`), or serve another model with --model <file.mnistmodel|ensemble-folder|file.onnx>.";
            ClassNames = [];
            _preprocessors = [];
            return;
        }

        Loaded = loaders.Load(path);
        ClassNames = Loaded.Classifier.ClassNames.ToArray();
        _preprocessors = Enum.GetValues<DigitInversion>().Select(inversion => new DigitImagePreprocessor(new DigitPreprocessingOptions
        {
            TargetSize = Loaded.ImageSize,
            BoxSize = Math.Max(1, (int)Math.Round(Loaded.ImageSize * 20 / 28.0, MidpointRounding.AwayFromZero)),
            Inversion = inversion,
            MaxFileBytes = settings.MaxRequestBytes,
            MaxSidePixels = settings.MaxImageSidePixels,
            MaxPixelCount = settings.MaxImagePixels,
        })).ToArray();
    }

    /// <summary>The full path of the model served (or looked for).</summary>
    public string ModelPath { get; }

    /// <summary>The classifier, or <see langword="null"/> when there is none (<see cref="Problem"/> says why).</summary>
    public LoadedClassifier? Loaded { get; }

    /// <summary>Why there is no classifier, with the command that makes one; <see langword="null"/> when there is one.</summary>
    public string? Problem { get; }

    /// <summary>The classifier's class names (empty without a classifier).</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The classifier (throws without one).</summary>
    public IClassifier Classifier => Loaded?.Classifier ?? throw new InvalidOperationException(Problem);

    /// <summary>The MNIST preprocessing for this classifier's image size with the app's image limits.</summary>
    /// <param name="inversion">How to decide the inversion.</param>
    public DigitImagePreprocessor PreprocessorFor(DigitInversion inversion) =>
        Loaded is null ? throw new InvalidOperationException(Problem) : _preprocessors[(int)inversion];

    /// <inheritdoc />
    public void Dispose() => Loaded?.Classifier.Dispose();
}
