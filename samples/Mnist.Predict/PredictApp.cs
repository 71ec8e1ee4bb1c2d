using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Mnist.Preprocessing;
using Mnist.Data;
using Mnist.Data.Idx;
using Mnist.Models.Persistence;
using Mnist.Predict.Classification;
using Mnist.Predict.Samples;

namespace Mnist.Predict;

/// <summary>
/// The <c>Mnist.Predict</c> command line: classifies image files of handwritten digits with a saved model and prints the most
/// probable classes. Exit codes: <see cref="ExitSuccess"/>, <see cref="ExitSomeImagesFailed"/>, <see cref="ExitUsageOrModelError"/>.
/// </summary>
public static class PredictApp
{
    /// <summary>Every image was classified.</summary>
    public const int ExitSuccess = 0;

    /// <summary>At least one image could not be classified (the others were).</summary>
    public const int ExitSomeImagesFailed = 1;

    /// <summary>The command line is wrong or the model could not be loaded; nothing was classified.</summary>
    public const int ExitUsageOrModelError = 2;

    /// <summary>Parses <paramref name="args"/> and runs the command, writing results to <paramref name="output"/> and problems to <paramref name="error"/>.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="output">Standard output (<see cref="Console.Out"/> when null).</param>
    /// <param name="error">Standard error (<see cref="Console.Error"/> when null).</param>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        output ??= Console.Out;
        error ??= Console.Error;
        var command = CreateCommand(output, error);
        var parsed = command.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors) error.WriteLine("error: " + parseError.Message);
            error.WriteLine("Run with --help for usage.");
            return ExitUsageOrModelError;
        }

        return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }

    private static RootCommand CreateCommand(TextWriter output, TextWriter error)
    {
        var images = new Argument<string[]>("images")
        {
            Description = "Image files (PNG, JPEG, BMP, …) or folders of them, one handwritten digit per image.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var model = new Option<string?>("--model", "-m") { Description = "The saved predictor: a .mnistmodel file (SequentialModel.Save) or an ensemble folder (ModelEnsemble.Save, e.g. out/ensemble from Mnist.Train).", HelpName = "file-or-folder" };
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
            if (string.IsNullOrWhiteSpace(result.GetValue(model))) result.AddError("Option '--model' is required: the .mnistmodel file or ensemble folder to classify with.");
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
    /// <param name="error">Receives the per-image errors and model errors.</param>
    /// <returns>The exit code.</returns>
    public static int Predict(PredictSettings settings, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        IDigitClassifier classifier;
        try
        {
            classifier = DigitClassifierLoader.Load(settings.ModelPath);
        }
        catch (Exception ex) when (ex is IOException or ModelFileException or Mnist.Ensemble.EnsembleFileException or ArgumentException or UnauthorizedAccessException)
        {
            error.WriteLine("error: cannot load the model: " + ex.Message);
            return ExitUsageOrModelError;
        }

        using (classifier)
        {
            var files = ImageFiles.Expand(settings.Images);
            if (files.Count == 0)
            {
                error.WriteLine("error: no image files found in " + string.Join(", ", settings.Images));
                return ExitUsageOrModelError;
            }

            output.WriteLine("Classifier: " + classifier.Description);
            var preprocessor = DigitFileClassifier.CreatePreprocessor(classifier.ImageSize, settings.Inversion);
            var outcomes = new DigitFileClassifier(classifier, preprocessor).Classify(files, settings.SavePreprocessedDirectory);
            int width = outcomes.Max(o => o.Path.Length);
            foreach (var outcome in outcomes)
            {
                if (outcome.Prediction is null)
                {
                    error.WriteLine("error: " + outcome.Error);
                    continue;
                }

                var best = outcome.Prediction.Top(Math.Min(settings.Top, classifier.ClassCount));
                output.WriteLine(outcome.Path.PadRight(width) + "  " + string.Join("   ", best.Select(b => FormatClass(b.ClassIndex, b.Probability))));
            }

            int failed = outcomes.Count(o => !o.Succeeded);
            output.WriteLine(failed == 0
                ? $"{outcomes.Count} image(s) classified."
                : $"{outcomes.Count - failed} of {outcomes.Count} image(s) classified; {failed} failed.");
            return failed == 0 ? ExitSuccess : ExitSomeImagesFailed;
        }
    }

    private static string FormatClass(int classIndex, float probability) =>
        string.Create(CultureInfo.InvariantCulture, $"{classIndex} {probability * 100,5:0.0} %");

    private static int MakeSamples(string directory, string? mnistDirectory, TextWriter output, TextWriter error)
    {
        MnistSplits splits;
        try
        {
            splits = MnistDataset.LoadSplits(directory: mnistDirectory);
        }
        catch (Exception ex) when (ex is DatasetNotFoundException or IdxFormatException or IOException)
        {
            error.WriteLine("error: " + ex.Message);
            return ExitUsageOrModelError;
        }

        foreach (string file in SampleImageGenerator.Generate(splits.Test, directory))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{file} ({new FileInfo(file).Length:N0} bytes)"));
        }

        return ExitSuccess;
    }
}
