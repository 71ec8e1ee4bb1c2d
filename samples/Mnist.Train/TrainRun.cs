using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Mnist.Augmentation;
using Mnist.Data;
using Mnist.Ensemble;
using Mnist.Models;
using Mnist.Onnx;
using Mnist.Samples;
using Mnist.Training;
using TorchSharp;

namespace Mnist.Train;

/// <summary>The notebook, end to end.</summary>
internal static class TrainRun
{
    /// <summary>Runs the whole job; every failure ends in one <c>error:</c> line on <paramref name="error"/> and an exit code of <see cref="ExitCodes"/>.</summary>
    public static int Execute(TrainSettings settings, TextWriter log, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            settings.Validate();
        }
        catch (UsageException ex)
        {
            error.WriteLine($"error: {ex.Message}");
            return ExitCodes.Usage;
        }

        RunOutput? output = null;
        try
        {
            output = RunOutput.Acquire(settings.Output, error);
            return Run(settings, output, log, error, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            error.WriteLine("error: interrupted before any epoch completed; nothing was written.");
            return ExitCodes.Interrupted;
        }
        catch (Exception ex)
        {
            var (code, message) = Describe(ex);
            error.WriteLine($"error: {message}");
            return code;
        }
        finally
        {
            output?.Dispose();
        }
    }

    /// <summary>The exit code and the one-line message of a failure.</summary>
    private static (int Code, string Message) Describe(Exception ex) => ex switch
    {
        UsageException => (ExitCodes.Usage, ex.Message),
        DatasetNotFoundException notFound => (ExitCodes.BadInput,
            $"{notFound.Dataset.DisplayName} was not found (looked for its four IDX files, plain or .gz, in: {string.Join("; ", notFound.SearchedDirectories)}). "
            + $"Run again with --download to fetch it, or point --data (or {DatasetLocator.EnvironmentVariableName}/<dataset>) at a folder that holds them."),
        DatasetDownloadException => (ExitCodes.Environment, ex.Message + " No copy could be fetched: check the network connection (a proxy is taken from HTTPS_PROXY), "
            + "pass --mirror with a reachable copy, or put the four .gz files into the --data folder yourself."),
        MnistFileException or InvalidDataException => (ExitCodes.BadInput, ex.Message), // every file error of the library, and the BCL's (corrupt gzip/zip)
        TrainingDivergedException => (ExitCodes.Diverged, ex.Message + " Nothing of this run was kept; the previous output is untouched."),
        IOException or UnauthorizedAccessException or TorchRuntimeException => (ExitCodes.Environment, ex.Message),
        _ => (ExitCodes.InternalError, $"unexpected {ex.GetType().Name}: {ex.Message} (this is a bug in Mnist.Train; please report it with the command line)."),
    };

    /// <summary>The precision a <c>--precision</c> value asks for; <c>auto</c> takes the fastest that keeps accuracy on this CPU.</summary>
    internal static ComputePrecision ResolvePrecision(string requested) => requested switch
    {
        "float32" => ComputePrecision.Float32,
        "bfloat16" => ComputePrecision.BFloat16,
        _ => CpuCapabilities.FastestAccuratePrecision,
    };

    /// <summary>E.g. <c>bfloat16 (auto: the CPU has native bfloat16, avx512_bf16)</c>.</summary>
    internal static string DescribePrecision(string requested, ComputePrecision chosen)
    {
        string name = chosen == ComputePrecision.BFloat16 ? "bfloat16" : "float32";
        if (requested != "auto") return name + " (--precision " + requested + ")";
        return CpuCapabilities.NativeBFloat16Feature is { } feature
            ? $"{name} (auto: the CPU has native bfloat16, {feature}; --precision float32 to override)"
            : $"{name} (auto: the CPU has no native bfloat16, which would be emulated and slower)";
    }

    private static int Run(TrainSettings settings, RunOutput output, TextWriter log, TextWriter error, CancellationToken cancellationToken)
    {
        var inv = CultureInfo.InvariantCulture;
        var total = Stopwatch.StartNew();
        // The application (not the library) chooses the process-wide settings: allocator tuning and thread count.
        var runtime = TorchRuntime.Configure(new TorchRuntimeOptions { TuneAllocator = true, Threads = settings.Threads });
        var precision = ResolvePrecision(settings.Precision);
        log.WriteLine("precision: " + DescribePrecision(settings.Precision, precision));
        settings = settings with { Precision = precision == ComputePrecision.BFloat16 ? "bfloat16" : "float32" }; // metrics.json records what ran

        // 1. Data and normaliser (the notebook's first cells).
        var splits = DatasetLoading.Load(settings, log, cancellationToken);
        var train = settings.Quick ? splits.Train.Slice(0, Math.Min(TrainSettings.QuickTrainingImages, splits.Train.Count)) : splits.Train;
        var test = splits.Test;
        if (settings.Holdout >= train.Count)
            throw new UsageException(string.Create(inv, $"--holdout {settings.Holdout:N0} leaves no training images (the training set has {train.Count:N0})."));
        // The hold-out: the last training images, never trained on, the validation set; the test set is only looked at in the end.
        var holdout = settings.Holdout > 0 ? train.Slice(train.Count - settings.Holdout, settings.Holdout) : null;
        if (holdout is not null) train = train.Slice(0, train.Count - settings.Holdout);
        var validation = holdout ?? test;
        log.WriteLine($"data: {splits.Directory}");
        log.WriteLine($"X_train {Shape(train)} uint8, y_train ({train.Count},); X_test {Shape(test)} uint8, y_test ({test.Count},)"
                      + (holdout is null ? string.Empty : $"; hold-out (validation) {Shape(holdout)}, the last {holdout.Count:N0} training images"));
        var normalizer = Normalizer.Fit(holdout is null ? splits.Train : train);
        log.WriteLine(string.Create(inv, $"normaliser (training set): mean {normalizer.Mean:F4}, std {normalizer.StandardDeviation:F4}"));

        // 2. The architecture, augmentation and schedule (a recipe's, or the notebook's).
        var plan = TrainingPlan.Create(settings, normalizer, train, splits.Dataset);
        var architecture = plan.Architecture;
        log.WriteLine($"Mnist.Train — {settings.Dataset}, {(settings.Recipe is { } r ? $"recipe '{r}', " : string.Empty)}model '{settings.Model}', {settings.Members} members, {plan.Description}, batch {settings.BatchSize}, seed {settings.Seed}{(settings.Seeds > 1 ? $" (+{settings.Seeds - 1} more seeds)" : string.Empty)}, {runtime}, augmentation {(settings.Augment ? "on" : "off")}{(settings.LabelSmoothing > 0 ? string.Create(inv, $", label smoothing {settings.LabelSmoothing}") : string.Empty)}{(settings.Quick ? ", QUICK" : string.Empty)}");
        using (var preview = architecture.Build())
        {
            log.WriteLine(preview.Summary());
        }

        // 3. Pictures of the inputs.
        using (var figure = train.PlotDigitAndNormalized(0, normalizer))
            figure.SavePng(output.PathOf("01-digit-normalized.png"));
        var augmentation = plan.Augmentation;
        SaveAugmentedBatch(train, augmentation, settings, output.PathOf("02-augmented-batch.png"));

        // 4. The ensemble, trained as the notebook's long_fit.
        var seedTraining = new SeedTraining(settings, architecture, precision, train, augmentation, plan, validation);
        using var ensemble = seedTraining.Build(settings.Seed);
        var trainingClock = Stopwatch.StartNew();
        EnsembleTrainingResult trained;
        try
        {
            trained = seedTraining.Fit(ensemble, cancellationToken);
        }
        catch (EnsembleTrainingCanceledException canceled)
        {
            if (canceled.Result.Members.All(m => m.History.Epochs.Count == 0)) throw; // nothing finished: nothing to keep
            return KeepInterrupted(settings, output, ensemble, canceled.Result, canceled.TrainedMembers, canceled.InterruptedMember, "training", trainingClock.Elapsed.TotalSeconds, total, error);
        }

        double trainingSeconds = trainingClock.Elapsed.TotalSeconds;
        ensemble.Save(output.PathOf("ensemble"));
        // The same ensemble as one ONNX graph, for ONNX Runtime (Mnist.OnnxRuntime, samples/Mnist.Predict.Onnx) without LibTorch.
        ensemble.ExportOnnx(output.PathOf(OnnxFileName), new OnnxExportOptions { ClassNames = train.ClassNames });
        WriteHistory(trained, output.PathOf("history.csv"));

        // 5. Evaluation: every member and the ensemble (the notebook's last cells).
        try
        {
            var evaluationClock = Stopwatch.StartNew();
            var evaluation = ensemble.Evaluate(test.Batches(256), cancellationToken);
            var probabilities = evaluation.Probabilities!;
            double evaluationSeconds = evaluationClock.Elapsed.TotalSeconds;
            log.WriteLine(evaluation);

            // 6. Analysis and pictures.
            var labels = Enumerable.Range(0, test.Count).Select(test.GetLabel).ToArray();
            var predictions = new PredictionSet(probabilities, labels);
            var confusion = predictions.ToConfusionMatrix(test.ClassNames);
            var files = new List<string> { "01-digit-normalized.png", "02-augmented-batch.png" };
            cancellationToken.ThrowIfCancellationRequested();
            files.AddRange(SavePictures(output.Staging, trained, confusion, predictions, test));
            SeedStudyReport? study = null;
            if (settings.Seeds > 1)
            {
                study = seedTraining.RunStudy(evaluation, test, log, cancellationToken);
                study.Write(output.Staging);
                files.AddRange(study.Files);
                log.WriteLine(study.Result);
            }

            WriteMetrics(output.PathOf("metrics.json"), settings, splits, train, evaluation, confusion, trained, trainingSeconds, evaluationSeconds, total.Elapsed.TotalSeconds);
            cancellationToken.ThrowIfCancellationRequested();
            string folder = output.Commit();

            log.WriteLine(confusion.GetReport());
            log.WriteLine($"wrote: {string.Join(", ", files.Concat(["history.csv", "metrics.json", "ensemble/", OnnxFileName]))} in {folder}");
            string onnx = Path.Combine(folder, OnnxFileName);
            log.WriteLine(string.Create(inv, $"onnx: {onnx} ({new FileInfo(onnx).Length:N0} bytes, opset {OnnxExport.OpsetVersion}; serve it without LibTorch with samples/Mnist.Predict.Onnx or --model {onnx})"));
            log.WriteLine(string.Create(inv, $"training {trainingSeconds:F1}s, total {total.Elapsed.TotalSeconds:F1}s, peak RSS {PeakResidentMiB():F0} MiB"));
            if (study is { Interrupted: true })
            {
                error.WriteLine($"error: interrupted during the seed study: kept the first seed's complete results and {SeedStudyReport.FileName} with the {study.Result.Runs.Count} seed(s) that finished (status \"interrupted\") in {folder}.");
                return ExitCodes.Interrupted;
            }

            return ExitCodes.Success;
        }
        catch (OperationCanceledException)
        {
            return KeepInterrupted(settings, output, ensemble: null, trained, Enumerable.Range(1, settings.Members).ToArray(), interruptedMember: null, "evaluation", trainingSeconds, total, error);
        }
    }

    /// <summary>
    /// Keeps what an interrupted run finished — the ensemble with its trained members marked in the manifest, the history
    /// of every completed epoch, metrics.json with <c>"status": "interrupted"</c> — and puts it in place.
    /// </summary>
    private static int KeepInterrupted(TrainSettings settings, RunOutput output, ModelEnsemble? ensemble, EnsembleTrainingResult result, IReadOnlyList<int> trainedMembers,
                                       int? interruptedMember, string stage, double trainingSeconds, Stopwatch total, TextWriter error)
    {
        ensemble?.Save(output.PathOf("ensemble"));
        WriteHistory(result, output.PathOf("history.csv"));
        var metrics = new InterruptedMetrics(
            SchemaVersion: 2,
            Status: "interrupted",
            InterruptedDuring: stage,
            Dataset: settings.Dataset,
            Model: settings.Model,
            Settings: settings,
            TrainedMembers: trainedMembers,
            InterruptedMember: interruptedMember,
            CompletedEpochs: result.Members.Select(m => new MemberEpochs(m.MemberNumber, m.History.Epochs.Count, m.Completed)).ToArray(),
            Timings: new TimingMetrics(trainingSeconds, 0, total.Elapsed.TotalSeconds),
            PeakResidentMiB: PeakResidentMiB());
        File.WriteAllText(output.PathOf("metrics.json"), JsonSerializer.Serialize(metrics, JsonOptions));
        string folder = output.CommitInterrupted();
        error.WriteLine($"error: interrupted during {stage}: kept {(trainedMembers.Count == 0 ? "no trained member" : "trained member(s) " + string.Join(", ", trainedMembers))}, "
                      + $"the history of every completed epoch and metrics.json (status \"interrupted\") in {folder}.");
        return ExitCodes.Interrupted;
    }

    /// <summary>The ONNX export of the ensemble, beside the <c>ensemble/</c> folder (completed runs only).</summary>
    internal const string OnnxFileName = "ensemble.onnx";

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Peak resident memory of this process (VmHWM), 0 where /proc is unavailable.</summary>
    private static double PeakResidentMiB()
    {
        const string key = "VmHWM:";
        if (!File.Exists("/proc/self/status")) return 0;
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
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
            SchemaVersion: 2,
            Status: "completed",
            Dataset: splits.Dataset.Id,
            Model: settings.Model,
            TrainingImages: train.Count,
            TestImages: splits.Test.Count,
            Settings: settings,
            Members: evaluation.Members.Select(m => new MemberMetrics(m.MemberNumber, m.Loss, m.Accuracy,
                trained.Members.First(t => t.MemberNumber == m.MemberNumber).History.Epochs.Sum(e => e.Seconds))).ToArray(),
            Ensemble: new CombinedMetrics(evaluation.Combined.Loss, evaluation.Combined.Accuracy, evaluation.Combination.ToString()),
            PerClass: report.Classes.Select(c => new PerClassMetrics(c.ClassIndex, c.ClassName, c.Precision, c.Recall, c.F1, c.Support)).ToArray(),
            ConfusionMatrix: Enumerable.Range(0, confusion.ClassCount).Select(t => Enumerable.Range(0, confusion.ClassCount).Select(p => confusion[t, p]).ToArray()).ToArray(),
            Timings: new TimingMetrics(trainingSeconds, evaluationSeconds, totalSeconds),
            PeakResidentMiB: PeakResidentMiB());
        File.WriteAllText(path, JsonSerializer.Serialize(metrics, JsonOptions));
    }
}
