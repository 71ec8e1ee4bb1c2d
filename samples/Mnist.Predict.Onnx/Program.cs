using System.Globalization;
using Mnist;
using Mnist.Models;
using Mnist.OnnxRuntime;
using Mnist.Preprocessing;
using Mnist.Samples;

// Mnist.Predict.Onnx — classifies digit images with an .onnx model on ONNX Runtime, with no TorchSharp or LibTorch
// in the process or the publish folder:
//   dotnet run --project samples/Mnist.Predict.Onnx -c Release -- out/ensemble.onnx samples/Mnist.Predict/images [--top 3]
// Every failure is one "error:" line naming the file; exit codes as in samples/Shared/ExitCodes.cs (docs/deployment.md).
var output = Console.Out;
var error = Console.Error;
string[] imageExtensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".tga", ".webp", ".pbm"];
const string Usage = "usage: Mnist.Predict.Onnx <model.onnx> <image-or-folder>... [--top <count>]";

int top = 3;
var positional = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    if (args[i] is "--help" or "-h")
    {
        output.WriteLine(Usage);
        return ExitCodes.Success;
    }

    if (args[i] is "--top" or "-k")
    {
        if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out top) || top < 1)
        {
            error.WriteLine("error: --top needs a whole number of at least 1.");
            error.WriteLine(Usage);
            return ExitCodes.Usage;
        }

        i++;
        continue;
    }

    if (args[i].StartsWith('-') && args[i].Length > 1)
    {
        error.WriteLine($"error: unknown option {args[i]}.");
        error.WriteLine(Usage);
        return ExitCodes.Usage;
    }

    positional.Add(args[i]);
}

if (positional.Count < 2)
{
    error.WriteLine("error: give an .onnx model and at least one image file or folder.");
    error.WriteLine(Usage);
    return ExitCodes.Usage;
}

string modelPath = positional[0];
OnnxClassifier classifier;
try
{
    classifier = OnnxClassifier.Load(modelPath);
}
catch (Exception ex) when (ex is MnistFileException or IOException or UnauthorizedAccessException)
{
    string problem = OneLine(ex.Message);
    if (problem.StartsWith(modelPath + ": ", StringComparison.Ordinal)) problem = problem[(modelPath.Length + 2)..];
    error.WriteLine($"error: {modelPath}: cannot load the model: {problem}");
    return ExitCodes.BadInput;
}
catch (Exception ex) when (ex is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
{
    error.WriteLine("error: ONNX Runtime cannot be loaded: " + OneLine((ex.InnerException ?? ex).Message));
    return ExitCodes.Environment;
}

using (classifier)
{
    var input = classifier.InputShape;
    if (input.Rank != 3 || input[0] != 1 || input[1] != input[2])
    {
        error.WriteLine($"error: {modelPath}: cannot load the model: its input is {input}; a digit classifier needs one channel of square images, e.g. (1, 28, 28).");
        return ExitCodes.BadInput;
    }

    int size = input[1];
    var files = new List<string>();
    foreach (string path in positional.Skip(1))
    {
        if (Directory.Exists(path))
            files.AddRange(Directory.EnumerateFiles(path).Where(f => imageExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase)).Order(StringComparer.Ordinal));
        else
            files.Add(path);
    }

    if (files.Count == 0)
    {
        error.WriteLine($"error: {string.Join(", ", positional.Skip(1))}: no image files found (looked for {string.Join(" ", imageExtensions)}).");
        return ExitCodes.BadInput;
    }

    var preprocessor = new DigitImagePreprocessor(new DigitPreprocessingOptions
    {
        TargetSize = size,
        BoxSize = Math.Max(1, (int)Math.Round(size * 20 / 28.0, MidpointRounding.AwayFromZero)),
    });
    var pixels = new List<float>();
    var classified = new List<string>();
    int failed = 0;
    foreach (string file in files)
    {
        try
        {
            pixels.AddRange(preprocessor.Preprocess(file).Select(b => (float)b));
            classified.Add(file);
        }
        catch (DigitImageException ex)
        {
            error.WriteLine("error: " + OneLine(ex.Message));
            failed++;
        }
    }

    if (classified.Count == 0) return ExitCodes.BadInput;

    ClassProbabilities probabilities;
    try
    {
        probabilities = classifier.PredictProba(pixels.ToArray(), classified.Count);
    }
    catch (Exception ex) when (ex is InvalidProbabilitiesException or InvalidOperationException)
    {
        error.WriteLine($"error: {modelPath}: the model failed to classify the images: {OneLine(ex.Message)}");
        return ExitCodes.BadInput;
    }

    output.WriteLine("Classifier: " + OnnxDescription.Describe(classifier, modelPath));
    int width = classified.Max(f => f.Length);
    int k = Math.Min(top, classifier.ClassCount);
    for (int n = 0; n < classified.Count; n++)
    {
        var best = Enumerable.Range(0, classifier.ClassCount)
            .Select(c => (Class: c, P: probabilities[n, c]))
            .OrderByDescending(t => t.P).ThenBy(t => t.Class).Take(k);
        output.WriteLine(classified[n].PadRight(width) + "  " + string.Join("   ", best.Select(b => string.Create(CultureInfo.InvariantCulture, $"{classifier.ClassNames[b.Class]} {b.P * 100,5:0.0} %"))));
    }

    output.WriteLine(failed == 0 ? $"{classified.Count} image(s) classified." : $"{classified.Count} of {files.Count} image(s) classified; {failed} failed.");
    return failed == 0 ? ExitCodes.Success : ExitCodes.PartialFailure;
}

static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
