using System.CommandLine;
using System.Runtime.InteropServices;
using Mnist.Samples;
using Mnist.Train;

var data = new Option<string?>("--data") { Description = "Folder holding the four IDX files (default: $MNIST_DATA_ROOT/<dataset>, the repo's data/<dataset>, /usr/share/datasets/<dataset>, then the user cache)." };
var download = new Option<bool>("--download") { Description = "Download the dataset when it is found nowhere (into --data, else the user cache), verified against the catalogue's checksums." };
var mirror = new Option<string?>("--mirror") { Description = "With --download: a base URL serving the dataset's .gz files, tried instead of the catalogue's mirrors (e.g. a company mirror)." };
var dataset = new Option<string>("--dataset") { Description = "mnist, fashion-mnist or kmnist.", DefaultValueFactory = _ => "mnist" };
dataset.AcceptOnlyFromAmong("mnist", "fashion-mnist", "kmnist");
var model = new Option<string?>("--model") { Description = "notebook (the 2017 miniNet as the notebook defines it; the default), improved (batch norm over channels before Flatten, momentum 0.9 and epsilon 0.001; the default with --quick, whose few steps the notebook's momentum 0.99 cannot settle) or strided (KnownModels.StridedNet, the cpu-hour recipe's)." };
model.AcceptOnlyFromAmong("notebook", "improved", "strided");
var epochs1 = new Option<int>("--epochs1") { Description = "Epochs of the first phase (the notebook's long_fit: lr 0.01).", DefaultValueFactory = _ => 1 };
var lr1 = new Option<double>("--lr1") { Description = "Learning rate of the first phase.", DefaultValueFactory = _ => 0.01 };
var epochs2 = new Option<int>("--epochs2") { Description = "Epochs of the second phase (0 to skip).", DefaultValueFactory = _ => 1 };
var lr2 = new Option<double>("--lr2") { Description = "Learning rate of the second phase.", DefaultValueFactory = _ => 0.0001 };
var members = new Option<int>("--members") { Description = "Ensemble members (1–64).", DefaultValueFactory = _ => 2 };
var batch = new Option<int>("--batch-size") { Description = "Training batch size.", DefaultValueFactory = _ => 64 };
var seed = new Option<int>("--seed") { Description = "Seed of initialisation, shuffling and augmentation.", DefaultValueFactory = _ => 1 };
var threads = new Option<int>("--threads") { Description = "LibTorch threads (default: all cores).", DefaultValueFactory = _ => Environment.ProcessorCount };
var augment = new Option<bool>("--augment") { Description = "Train with the notebook's augmentation (use --augment false to switch it off).", DefaultValueFactory = _ => true };
var output = new Option<string>("--output") { Description = "Folder for pictures, metrics.json, history.csv and the saved ensemble.", DefaultValueFactory = _ => "out" };
var precision = new Option<string>("--precision") { Description = "auto (default: bfloat16 where the CPU has native bfloat16, else float32), float32, or bfloat16 (bfloat16 compute with float32 master weights).", DefaultValueFactory = _ => "auto" };
precision.AcceptOnlyFromAmong("auto", "float32", "bfloat16");
var recipe = new Option<string?>("--recipe") { Description = "A named recipe that sets the model, augmentation, schedule, batch size, members and hold-out (options given explicitly still win): " + string.Join("; ", KnownRecipes.All.Select(r => $"{r.Name}: {r.Summary}")) + ". See docs/recipes.md." };
var schedule = new Option<string>("--schedule") { Description = "long-fit (the notebook's two constant-rate phases, --epochs1/--lr1 then --epochs2/--lr2; the default) or one-cycle (--epochs1 epochs of one cycle peaking at --lr1).", DefaultValueFactory = _ => TrainSettings.LongFitSchedule };
schedule.AcceptOnlyFromAmong(TrainSettings.LongFitSchedule, TrainSettings.OneCycleSchedule);
var labelSmoothing = new Option<double>("--label-smoothing") { Description = "Label smoothing of the training loss, in [0, 1) (default 0).", DefaultValueFactory = _ => 0 };
var holdout = new Option<int>("--holdout") { Description = "Keep the last N training images out of training and validate on them instead of the test set (default 0: validate on the test set, as the notebook did). The test set is then only evaluated at the end.", DefaultValueFactory = _ => 0 };
var seeds = new Option<int>("--seeds") { Description = "Train the whole ensemble N times, with seeds --seed, --seed+1, …, and report mean, standard deviation, min and max of the members' and the ensembles' test accuracy (seed-study.json, 09-seed-study.png). The files of the first seed are kept as usual.", DefaultValueFactory = _ => 1 };
var quick = new Option<bool>("--quick") { Description = $"A first look in about 75 s on 2 cores: {TrainSettings.QuickTrainingImages:N0} training images, the improved preset unless --model is given." };

var root = new RootCommand("Trains the 2017 notebook's MNIST ensemble (miniNet, batch norm, dropout, augmentation, 2 members, long_fit) and writes its pictures and metrics.")
{
    data, download, mirror, dataset, model, epochs1, lr1, epochs2, lr2, members, batch, seed, threads, augment, output, quick, precision,
    recipe, schedule, labelSmoothing, holdout, seeds,
};
// SIGINT (Ctrl+C) and SIGTERM stop training at the next batch; TrainRun keeps what finished and exits with 130.
using var interrupt = new CancellationTokenSource();
void OnSignal(PosixSignalContext context)
{
    if (interrupt.IsCancellationRequested) return; // a second signal terminates at once (default handling)
    context.Cancel = true; // the first one does not: the run stops at the next batch and saves what it finished
    Console.Error.WriteLine($"{context.Signal}: stopping at the next batch and keeping what finished (send it again to stop at once)…");
    interrupt.Cancel();
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
using var sighup = OperatingSystem.IsWindows() ? null : PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);
if (Environment.GetEnvironmentVariable("MNIST_DATA") is { Length: > 0 })
    Console.Error.WriteLine("warning: MNIST_DATA is no longer read; set MNIST_DATA_ROOT to a folder with one subfolder per dataset (e.g. $MNIST_DATA_ROOT/mnist).");

root.SetAction(parse =>
{
    // A recipe supplies the values of the options it names; an option given on the command line still wins.
    TrainingRecipe? chosen;
    try
    {
        chosen = parse.GetValue(recipe) is { } name ? KnownRecipes.Get(name) : null;
    }
    catch (UsageException ex)
    {
        Console.Error.WriteLine($"error: {ex.Message}");
        return ExitCodes.Usage;
    }

    T Pick<T>(Option<T> option, T fromRecipe) => chosen is not null && (parse.GetResult(option) is null || parse.GetResult(option)!.Implicit) ? fromRecipe : parse.GetValue(option)!;
    string scheduleName = Pick(schedule, TrainSettings.OneCycleSchedule);
    bool epochs2Given = parse.GetResult(epochs2) is { Implicit: false };
    var settings = new TrainSettings(
        parse.GetValue(data), parse.GetValue(dataset)!,
        Pick(model, chosen?.Model) ?? (parse.GetValue(quick) ? "improved" : "notebook"),
        Pick(epochs1, chosen?.Epochs ?? 0), Pick(lr1, chosen?.MaxLearningRate ?? 0),
        scheduleName == TrainSettings.OneCycleSchedule && !epochs2Given ? 0 : parse.GetValue(epochs2), parse.GetValue(lr2),
        Pick(members, chosen?.Members ?? 0), Pick(batch, chosen?.BatchSize ?? 0), parse.GetValue(seed),
        parse.GetValue(threads), parse.GetValue(augment), parse.GetValue(output)!, parse.GetValue(quick), parse.GetValue(precision)!,
        parse.GetValue(download), parse.GetValue(mirror),
        Recipe: chosen?.Name, Schedule: scheduleName, LabelSmoothing: Pick(labelSmoothing, chosen?.LabelSmoothing ?? 0),
        Holdout: Pick(holdout, chosen?.HoldoutImages ?? 0), Seeds: parse.GetValue(seeds));
    return TrainRun.Execute(settings, Console.Out, Console.Error, interrupt.Token);
});

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    Console.Error.WriteLine($"error: {string.Join(" ", parsed.Errors.Select(e => e.Message))} (see --help)");
    return ExitCodes.Usage;
}

return parsed.Invoke();
