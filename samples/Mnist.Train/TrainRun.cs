using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Mnist.Analysis;
using Mnist.Augmentation;
using Mnist.Batching;
using Mnist.Data;
using Mnist.Data.Download;
using Mnist.Ensemble;
using Mnist.Models;
using Mnist.Models.Presets;
using Mnist.Plotting;
using Mnist.Runtime;
using Mnist.Training;
using Mnist.Training.Callbacks;
using Mnist.Training.Progress;
using TorchSharp;

namespace Mnist.Train;

/// <summary>The notebook, end to end.</summary>
internal static class TrainRun
{
    public static int Execute(TrainSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        var inv = CultureInfo.InvariantCulture;
        var total = Stopwatch.StartNew();
        try
        {
            Validate(settings);
            // The application (not the library) chooses the process-wide settings: allocator tuning and thread count.
            var runtime = TorchRuntime.Configure(new TorchRuntimeOptions { TuneAllocator = true, Threads = settings.Threads });
            Directory.CreateDirectory(settings.Output);
            string ensembleFolder = Path.Combine(settings.Output, "ensemble");
            if (Directory.Exists(ensembleFolder) && Directory.EnumerateFileSystemEntries(ensembleFolder).Any() && !File.Exists(Path.Combine(ensembleFolder, ModelEnsemble.ManifestFileName)))
                throw new ArgumentException($"{ensembleFolder} exists and is not a saved ensemble; choose another --output so that nothing of yours is overwritten.");
            log.WriteLine($"Mnist.Train — {settings.Dataset}, model '{settings.Model}', {settings.Members} members, schedule {settings.FirstEpochs}×lr {settings.FirstLearningRate} + {settings.SecondEpochs}×lr {settings.SecondLearningRate}, batch {settings.BatchSize}, seed {settings.Seed}, {runtime}, augmentation {(settings.Augment ? "on" : "off")}, {settings.Precision}{(settings.Quick ? ", QUICK" : string.Empty)}");

            // 1. Data and normaliser (the notebook's first cells).
            var splits = DatasetLoading.Load(settings, log, cancellationToken);
            var train = settings.Quick ? splits.Train.Slice(0, Math.Min(TrainSettings.QuickTrainingImages, splits.Train.Count)) : splits.Train;
            var test = splits.Test;
            log.WriteLine($"data: {splits.Directory}");
            log.WriteLine($"X_train {Shape(train)} uint8, y_train ({train.Count},); X_test {Shape(test)} uint8, y_test ({test.Count},)");
            var normalizer = Normalizer.Fit(splits.Train);
            log.WriteLine(string.Create(inv, $"normaliser (training set): mean {normalizer.Mean:F4}, std {normalizer.StandardDeviation:F4}"));

            // 2. The architecture.
            var architecture = settings.Model == "improved"
                ? KnownModels.ImprovedMiniNet(normalizer, train.ClassCount)
                : KnownModels.NotebookMiniNet(normalizer, train.ClassCount);
            using (var preview = architecture.Build())
            {
                log.WriteLine(preview.Summary());
            }

            // 3. Pictures of the inputs.
            using (var figure = train.PlotDigitAndNormalized(0, normalizer))
                figure.SavePng(Path.Combine(settings.Output, "01-digit-normalized.png"));
            var augmentation = KnownAugmentations.KerasNotebook2017;
            SaveAugmentedBatch(train, augmentation, settings, Path.Combine(settings.Output, "02-augmented-batch.png"));

            // 4. The ensemble, trained as the notebook's long_fit.
            var ensembleOptions = new EnsembleOptions
            {
                MemberCount = settings.Members,
                Seed = settings.Seed,
                Precision = settings.Precision == "bfloat16" ? ComputePrecision.BFloat16 : ComputePrecision.Float32,
            };
            using var ensemble = architecture.ToEnsemble(ensembleOptions).Build();
            var schedule = settings.SecondEpochs > 0
                ? TrainingSchedule.FromPhases((settings.FirstLearningRate, settings.FirstEpochs), (settings.SecondLearningRate, settings.SecondEpochs))
                : TrainingSchedule.Epochs(settings.FirstEpochs, settings.FirstLearningRate);
            Func<int, int, IBatchSource> trainSource = settings.Augment
                ? (_, memberSeed) => train.Augment(augmentation).Flow(settings.BatchSize, shuffle: true, seed: memberSeed)
                : (_, memberSeed) => train.Batches(settings.BatchSize, shuffle: true, seed: memberSeed);
            var trainingClock = Stopwatch.StartNew();
            var trained = ensemble.Fit(trainSource, schedule, validation: test.Batches(256), progress: new KerasProgressBar(), cancellationToken: cancellationToken);
            double trainingSeconds = trainingClock.Elapsed.TotalSeconds;

            // 5. Evaluation: every member and the ensemble (the notebook's last cells).
            var evaluationClock = Stopwatch.StartNew();
            var evaluation = ensemble.Evaluate(test.Batches(256), cancellationToken);
            var probabilities = evaluation.Probabilities!;
            double evaluationSeconds = evaluationClock.Elapsed.TotalSeconds;
            log.WriteLine(evaluation);

            // 6. Save, history, analysis and pictures.
            ensemble.Save(ensembleFolder);
            WriteHistory(trained, Path.Combine(settings.Output, "history.csv"));
            var labels = Enumerable.Range(0, test.Count).Select(test.GetLabel).ToArray();
            var predictions = new PredictionSet(probabilities, labels);
            var confusion = predictions.ToConfusionMatrix(test.ClassNames);
            var files = new List<string> { "01-digit-normalized.png", "02-augmented-batch.png" };
            files.AddRange(SavePictures(settings.Output, trained, confusion, predictions, test));
            WriteMetrics(Path.Combine(settings.Output, "metrics.json"), settings, splits, train, evaluation, confusion, trained, trainingSeconds, evaluationSeconds, total.Elapsed.TotalSeconds);

            log.WriteLine(confusion.GetReport());
            log.WriteLine($"wrote: {string.Join(", ", files.Concat(["history.csv", "metrics.json", "ensemble/"]))} in {Path.GetFullPath(settings.Output)}");
            log.WriteLine(string.Create(inv, $"training {trainingSeconds:F1}s, total {total.Elapsed.TotalSeconds:F1}s, peak RSS {PeakResidentMiB():F0} MiB"));
            return 0;
        }
        catch (OperationCanceledException)
        {
            log.WriteLine("Cancelled.");
            return 130;
        }
        catch (DatasetNotFoundException ex)
        {
            Console.Error.WriteLine($"error: {ex.Dataset.DisplayName} was not found (looked for its four IDX files, plain or .gz, in: {string.Join("; ", ex.SearchedDirectories)}). "
                                    + $"Run again with --download to fetch it, or point --data (or {DatasetLocator.EnvironmentVariableName}/<dataset>) at a folder that holds them.");
            return 1;
        }
        catch (DatasetDownloadException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message} No copy could be fetched: check the network connection (a proxy is taken from HTTPS_PROXY), "
                                    + "pass --mirror with a reachable copy, or put the four .gz files into the --data folder yourself.");
            return 1;
        }
        catch (Exception ex) when (ex is Mnist.Data.Idx.IdxFormatException or ArgumentException or TrainingDivergedException
                                   or IOException or UnauthorizedAccessException or EnsembleFileException or TorchRuntimeException or Mnist.Models.Persistence.ModelFileException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return 1;
        }
    }

    /// <summary>Peak resident memory of this process (VmHWM), 0 where /proc is unavailable.</summary>
    private static double PeakResidentMiB()
    {
        const string key = "VmHWM:";
        if (!File.Exists("/proc/self/status")) return 0;
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
    }

    private static void Validate(TrainSettings s)
    {
        if (s.Members < 1) throw new ArgumentException("--members must be at least 1.");
        if (s.Mirror is { } mirror && !(Uri.TryCreate(mirror, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
            throw new ArgumentException($"--mirror must be an absolute http:// or https:// URL; got '{mirror}'.");
        if (s.Mirror is not null && !s.Download) throw new ArgumentException("--mirror is used only with --download; add --download.");
        if (s.FirstEpochs < 1) throw new ArgumentException("--epochs1 must be at least 1.");
        if (s.SecondEpochs < 0) throw new ArgumentException("--epochs2 must not be negative.");
        if (s.BatchSize < 1) throw new ArgumentException("--batch-size must be at least 1.");
        if (s.Threads < 1) throw new ArgumentException("--threads must be at least 1.");
        if (!(s.FirstLearningRate > 0) || !(s.SecondLearningRate > 0)) throw new ArgumentException("learning rates must be positive.");
    }

    private static string Shape(MnistDataset d) => $"({d.Count}, 1, {d.Height}, {d.Width})";

    private static void SaveAugmentedBatch(MnistDataset train, AugmentationOptions augmentation, TrainSettings settings, string path)
    {
        using var batch = train.Slice(0, Math.Min(32, train.Count)).Augment(augmentation).Flow(32, shuffle: false, seed: settings.Seed).GetBatches(0).First();
        using var figure = batch.PlotDigits(train.ClassNames, new PlotOptions { Title = "Augmented training digits (the notebook's ImageDataGenerator)" });
        figure.SavePng(path);
    }

    private static string[] SavePictures(string output, EnsembleTrainingResult trained, ConfusionMatrix confusion, PredictionSet predictions, MnistDataset test)
    {
        var written = new List<string>();
        void Save(MnistFigure figure, string name)
        {
            using (figure) figure.SavePng(Path.Combine(output, name));
            written.Add(name);
        }

        Save(trained.Members.Select(m => ($"member {m.MemberNumber}", m.History)).PlotTrainingCurves(), "03-training-curves.png");
        Save(confusion.Plot(), "04-confusion-matrix.png");
        Save(predictions.Wrong(24).PlotPredictions(test, "Wrongly classified test digits"), "05-wrong.png");
        Save(predictions.Right(24).PlotPredictions(test, "Correctly classified test digits"), "06-right.png");
        Save(predictions.MostUncertain(24).PlotPredictions(test, "Most uncertain test digits (lowest std of the probabilities)"), "07-most-uncertain.png");
        Save(predictions.MostUncertain(24, UncertaintyMeasure.Entropy).PlotPredictions(test, "Most uncertain test digits (highest entropy)"), "08-most-uncertain-entropy.png");
        return written.ToArray();
    }

    private static void WriteHistory(EnsembleTrainingResult trained, string path)
    {
        using var writer = new StreamWriter(path);
        writer.WriteLine("member," + CsvLogger.Header);
        foreach (var member in trained.Members)
        {
            foreach (var epoch in member.History.Epochs)
                writer.WriteLine(member.MemberNumber.ToString(CultureInfo.InvariantCulture) + "," + CsvLogger.FormatRow(epoch));
        }
    }

    private static void WriteMetrics(string path, TrainSettings settings, MnistSplits splits, MnistDataset train, EnsembleEvaluation evaluation, ConfusionMatrix confusion, EnsembleTrainingResult trained, double trainingSeconds, double evaluationSeconds, double totalSeconds)
    {
        var report = confusion.GetReport();
        var metrics = new TrainMetrics(
            SchemaVersion: 1,
            Dataset: splits.Dataset.Id,
            Model: settings.Model,
            TrainingImages: train.Count,
            TestImages: splits.Test.Count,
            Settings: settings,
            Members: evaluation.Members.Select(m => new MemberMetrics(m.MemberNumber, m.Loss, m.Accuracy,
                trained.Members.First(t => t.MemberNumber == m.MemberNumber).History.Epochs.Sum(e => e.Seconds))).ToArray(),
            ModelEnsemble: new CombinedMetrics(evaluation.Combined.Loss, evaluation.Combined.Accuracy, evaluation.Combination.ToString()),
            PerClass: report.Classes.Select(c => new PerClassMetrics(c.ClassIndex, c.ClassName, c.Precision, c.Recall, c.F1, c.Support)).ToArray(),
            ConfusionMatrix: Enumerable.Range(0, confusion.ClassCount).Select(t => Enumerable.Range(0, confusion.ClassCount).Select(p => confusion[t, p]).ToArray()).ToArray(),
            Timings: new TimingMetrics(trainingSeconds, evaluationSeconds, totalSeconds),
            PeakResidentMiB: PeakResidentMiB());
        File.WriteAllText(path, JsonSerializer.Serialize(metrics, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
    }
}
