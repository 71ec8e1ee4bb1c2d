using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Mnist.Preprocessing;
using Mnist.Data;
using Mnist.Models;
using Mnist.Predict.Classification;
using Mnist.Predict.Samples;
using Mnist.Samples;

namespace Mnist.Predict;

/// <summary>
/// The <c>Mnist.Predict</c> command line: classifies image files of handwritten digits with a saved model and prints the most
/// probable classes. Every failure is one <c>error:</c> line on standard error naming the file and the problem, never a stack
/// trace. Exit codes (<see cref="ExitCodes"/>, documented in docs/predict.md): <see cref="ExitCodes.Success"/> every image
/// classified; <see cref="ExitCodes.PartialFailure"/> some images failed, the others were classified;
/// <see cref="ExitCodes.Usage"/> bad command line; <see cref="ExitCodes.BadInput"/> the model, ensemble or every image is
/// unusable, nothing was classified; <see cref="ExitCodes.Environment"/> LibTorch cannot be loaded or the
/// <c>--save-preprocessed</c> folder cannot be written.
/// </summary>
public static class PredictApp
{
    /// <summary>Parses <paramref name="args"/> and runs the command, writing results to <paramref name="output"/> and problems to <paramref name="error"/>.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="output">Standard output (<see cref="Console.Out"/> when null).</param>
    /// <param name="error">Standard error (<see cref="Console.Error"/> when null).</param>
    /// <returns>The exit code, one of <see cref="ExitCodes"/>.</returns>
    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        output ??= Console.Out;
        error ??= Console.Error;
        var command = CreateCommand(output, error);
        var parsed = command.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors) error.WriteLine("error: " + OneLine(parseError.Message));
            error.WriteLine("Run with --help for usage.");
            return ExitCodes.Usage;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex)
        {
            // Every expected failure is handled where it happens; this keeps a bug from ending in a stack trace.
            error.WriteLine($"error: unexpected failure: {Describe(ex)}");
            return ExitCodes.Environment;
        }
    }

    private static RootCommand CreateCommand(TextWriter output, TextWriter error)
    {
        var images = new Argument<string[]>("images")
        {
            Description = "Image files (PNG, JPEG, BMP, …) or folders of them, one handwritten digit per image.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var model = new Option<string?>("--model", "-m") { Description = "The saved predictor: a .mnistmodel file (SequentialModel.Save), an ensemble folder (ModelEnsemble.Save, e.g. out/ensemble from Mnist.Train) or an .onnx file (run with ONNX Runtime, e.g. out/ensemble.onnx).", HelpName = "file-or-folder" };
        var top = new Option<int>("--top", "-k") { HelpName = "count", Description = "How many of the most probable classes to print.", DefaultValueFactory = _ => 3 };
        var invert = new Option<DigitInversion>("--invert")
        {
            Description = "Auto: invert dark-on-light images (decided from the border); Always; Never (image is already light on dark).",
            DefaultValueFactory = _ => DigitInversion.Auto,
        };
        var savePreprocessed = new Option<string?>("--save-preprocessed") { HelpName = "folder", Description = "Write each preprocessed 28×28 image as PNG into this folder, to see what the model sees." };
        var makeSamples = new Option<string?>("--make-samples") { Description = "Write the demo images (MNIST test digits drawn dark on light) into this folder and exit.", Hidden = true };
        var mnistDirectory = new Option<string?>("--mnist-dir") { Description = "The folder with the MNIST IDX files for --make-samples (searched for when omitted).", Hidden = true };

        top.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1) result.AddError("--top must be at least 1.");
        });

        var root = new RootCommand("Classifies your own images of handwritten digits with a saved Mnist model, after MNIST-style preprocessing "
                                   + "(greyscale, inversion, crop to the ink, scale to 20 px, centre by mass in 28×28), and prints the top classes.")
        {
            images, model, top, invert, savePreprocessed, makeSamples, mnistDirectory,
        };
        root.Validators.Add(result =>
        {
            if (result.GetValue(makeSamples) is not null) return;
            if (string.IsNullOrWhiteSpace(result.GetValue(model))) result.AddError("Option '--model' is required: the .mnistmodel file, ensemble folder or .onnx file to classify with.");
            if ((result.GetValue(images) ?? []).Length == 0) result.AddError("Give at least one image file or folder.");
        });
        root.SetAction(parsed =>
        {
            string? samplesDirectory = parsed.GetValue(makeSamples);
            if (samplesDirectory is not null) return MakeSamples(samplesDirectory, parsed.GetValue(mnistDirectory), output, error);
            var settings = new PredictSettings(parsed.GetValue(model)!, parsed.GetValue(images) ?? [], parsed.GetValue(top), parsed.GetValue(invert), parsed.GetValue(savePreprocessed));
            return Predict(settings, output, error);
        });
        return root;
    }

    /// <summary>Loads the model and classifies the images of <paramref name="settings"/>, printing one line per image.</summary>
    /// <param name="settings">What to classify with what.</param>
    /// <param name="output">Receives the predictions.</param>
    /// <param name="error">Receives one <c>error:</c> line per failure (per image, or for the model or output folder).</param>
    /// <returns>The exit code, one of <see cref="ExitCodes"/>.</returns>
    public static int Predict(PredictSettings settings, TextWriter output, TextWriter error) =>
        Predict(settings, LoadClassifier, output, error);

    /// <summary>
    /// Runs once before a TorchSharp model or ensemble is opened (never for an <c>.onnx</c> model): the app's Program sets
    /// it to configure LibTorch (allocator tuning), so that an ONNX model runs without loading LibTorch at all. May throw
    /// <see cref="TorchRuntimeException"/>. <see langword="null"/> (in-process callers, the tests): nothing is configured.
    /// </summary>
    internal static Action? BeforeTorchSharpModel { get; set; }

    private static IClassifier LoadClassifier(string path)
    {
        if (Directory.Exists(path) || !DigitClassifierLoader.IsOnnx(path)) BeforeTorchSharpModel?.Invoke();
        return DigitClassifierLoader.Load(path);
    }

    /// <summary><see cref="Predict(PredictSettings, TextWriter, TextWriter)"/> with the classifier opened by <paramref name="load"/> (tests pass fakes).</summary>
    internal static int Predict(PredictSettings settings, Func<string, IClassifier> load, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(load);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        string? saveTo = settings.SavePreprocessedDirectory;
        if (saveTo is not null && CheckSaveFolder(saveTo) is { } unusable)
        {
            error.WriteLine($"error: {saveTo}: cannot write the preprocessed images: {unusable}");
            return ExitCodes.Environment;
        }

        IClassifier classifier;
        try
        {
            classifier = load(settings.ModelPath);
        }
        catch (TorchRuntimeException ex)
        {
            error.WriteLine("error: LibTorch cannot be loaded: " + OneLine(ex.Message));
            return ExitCodes.Environment;
        }
        catch (Exception ex) when (NativeLibraryMissing(ex) is { } missing)
        {
            // ONNX Runtime's native library (onnxruntime.so/.dll from the Microsoft.ML.OnnxRuntime package) is absent or broken.
            error.WriteLine($"error: {(DigitClassifierLoader.IsOnnx(settings.ModelPath) ? "ONNX Runtime" : "a native library")} cannot be loaded: {OneLine(missing.Message)}");
            return ExitCodes.Environment;
        }
        catch (Exception ex)
        {
            // Whatever a corrupt or hostile model file makes the loader throw (a format error, an overflow, a native
            // allocation failure with native stack frames in its message), it is reported as a bad input file.
            string problem = Describe(ex);
            if (problem.StartsWith(settings.ModelPath + ": ", StringComparison.Ordinal)) problem = problem[(settings.ModelPath.Length + 2)..];
            error.WriteLine($"error: {settings.ModelPath}: cannot load the model: {problem}");
            return ExitCodes.BadInput;
        }

        using (classifier)
        {
            return Classify(settings, classifier, output, error);
        }
    }

    private static int Classify(PredictSettings settings, IClassifier classifier, TextWriter output, TextWriter error)
    {
        IReadOnlyList<string> files;
        try
        {
            files = ImageFiles.Expand(settings.Images);
        }
        catch (IOException ex)
        {
            error.WriteLine("error: " + OneLine(ex.Message));
            return ExitCodes.BadInput;
        }

        if (files.Count == 0)
        {
            error.WriteLine($"error: {string.Join(", ", settings.Images)}: no image files found (looked for {string.Join(" ", ImageFiles.KnownExtensions)}).");
            return ExitCodes.BadInput;
        }

        string? saveTo = settings.SavePreprocessedDirectory;
        if (saveTo is not null && PrepareSaveFolder(saveTo) is { } unusable)
        {
            error.WriteLine($"error: {saveTo}: cannot write the preprocessed images: {unusable}");
            return ExitCodes.Environment;
        }

        output.WriteLine("Classifier: " + DigitClassifierLoader.Describe(classifier, settings.ModelPath));
        IReadOnlyList<FileOutcome> outcomes;
        try
        {
            var preprocessor = DigitFileClassifier.CreatePreprocessor(DigitFileClassifier.ImageSizeOf(classifier), settings.Inversion);
            outcomes = new DigitFileClassifier(classifier, preprocessor).Classify(files, saveTo);
        }
        catch (PreprocessedImageWriteException ex)
        {
            error.WriteLine("error: " + OneLine(ex.Message));
            return ExitCodes.Environment;
        }
        catch (InvalidModelOutputException ex)
        {
            // A poisoned model (NaN or infinite weights): refuse its output rather than print "NaN %".
            error.WriteLine($"error: {settings.ModelPath}: {ex.Message}");
            return ExitCodes.BadInput;
        }
        catch (Exception ex)
        {
            error.WriteLine($"error: {settings.ModelPath}: the model failed to classify the images: {Describe(ex)}");
            return ExitCodes.BadInput;
        }

        int width = outcomes.Max(o => o.Path.Length);
        foreach (var outcome in outcomes)
        {
            if (outcome.Prediction is null)
            {
                error.WriteLine("error: " + OneLine(outcome.Error ?? outcome.Path + ": failed."));
                continue;
            }

            var best = outcome.Prediction.Top(Math.Min(settings.Top, classifier.ClassCount));
            output.WriteLine(outcome.Path.PadRight(width) + "  " + string.Join("   ", best.Select(b => FormatClass(b.ClassIndex, b.Probability))));
        }

        int failed = outcomes.Count(o => !o.Succeeded);
        output.WriteLine(failed == 0
            ? $"{outcomes.Count} image(s) classified."
            : $"{outcomes.Count - failed} of {outcomes.Count} image(s) classified; {failed} failed.");
        if (failed == 0) return ExitCodes.Success;
        return failed == outcomes.Count ? ExitCodes.BadInput : ExitCodes.PartialFailure;
    }

    /// <summary>Why <paramref name="folder"/> cannot receive the preprocessed images, checked without writing anything; null when it looks usable.</summary>
    private static string? CheckSaveFolder(string folder)
    {
        try
        {
            string full = Path.GetFullPath(folder);
            if (File.Exists(full)) return "it is a file, not a folder.";
            if (Directory.Exists(full)) return null;
            string? parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(full));
            if (parent is null) return "it is not a folder.";
            if (File.Exists(parent)) return $"{parent} is a file, not a folder.";
            if (!Directory.Exists(parent)) return $"its parent folder {parent} does not exist (only the last folder is created).";
            return null;
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or NotSupportedException or UnauthorizedAccessException)
        {
            return OneLine(ex.Message);
        }
    }

    /// <summary>Creates <paramref name="folder"/> if needed and checks that a file can be created in it; null on success, else why not.</summary>
    private static string? PrepareSaveFolder(string folder)
    {
        if (CheckSaveFolder(folder) is { } unusable) return unusable;
        try
        {
            Directory.CreateDirectory(folder);
            string probe = Path.Combine(folder, $".mnist-predict-probe-{Environment.ProcessId}");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }

            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return OneLine(ex.Message);
        }
    }

    /// <summary>An exception as one line: its message for the app's and the libraries' own exceptions (every <see cref="MnistFileException"/>: model files, ensemble folders, ONNX files, datasets), else its type and the first line of its message (native errors append native stack frames).</summary>
    private static string Describe(Exception ex)
    {
        bool explained = ex is IOException or UnauthorizedAccessException or ArgumentException or MnistFileException
            or DigitImageException or IdxFormatException or DatasetNotFoundException;
        return explained ? OneLine(ex.Message) : $"{ex.GetType().Name}: {FirstLine(ex.Message)}";
    }

    /// <summary>The <see cref="DllNotFoundException"/> or <see cref="EntryPointNotFoundException"/> behind <paramref name="ex"/> (also inside a type initializer's failure), if that is what it is.</summary>
    private static Exception? NativeLibraryMissing(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e is TypeInitializationException ? e.InnerException : null)
        {
            if (e is DllNotFoundException or EntryPointNotFoundException) return e;
        }

        return null;
    }

    private static string FirstLine(string text)
    {
        int end = text.IndexOfAny(['\r', '\n']);
        return (end < 0 ? text : text[..end]).Trim();
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string FormatClass(int classIndex, float probability) =>
        string.Create(CultureInfo.InvariantCulture, $"{classIndex} {probability * 100,5:0.0} %");

    private static int MakeSamples(string directory, string? mnistDirectory, TextWriter output, TextWriter error)
    {
        MnistSplits splits;
        try
        {
            splits = MnistDataset.LoadSplits(directory: mnistDirectory);
        }
        catch (Exception ex) when (ex is DatasetNotFoundException or IdxFormatException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine("error: " + OneLine(ex.Message));
            return ExitCodes.BadInput;
        }

        IReadOnlyList<string> written;
        try
        {
            written = SampleImageGenerator.Generate(splits.Test, directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            error.WriteLine($"error: {directory}: cannot write the demo images: {OneLine(ex.Message)}");
            return ExitCodes.Environment;
        }

        foreach (string file in written)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{file} ({new FileInfo(file).Length:N0} bytes)"));
        }

        return ExitCodes.Success;
    }
}
