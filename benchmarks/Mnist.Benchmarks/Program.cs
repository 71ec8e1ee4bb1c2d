using Mnist;
using System.Globalization;
using BenchmarkDotNet.Running;
using Mnist.Augmentation;
using Mnist.Data;
using Mnist.Benchmarks;
using Mnist.Models;
using Mnist.Training;
using TorchSharp;
using static TorchSharp.torch;

// Usage:
//   dotnet run -c Release --project benchmarks/Mnist.Benchmarks                 end-to-end figures (library vs hand-written loop)
//   dotnet run -c Release --project benchmarks/Mnist.Benchmarks -- --micro      BenchmarkDotNet micro-benchmarks
//   options: --samples N (training samples per measurement, default 3200) --repeats R (default 3) --threads T (default 2)
//            --no-malloc-tuning (leave glibc's allocator as it is)
//            --compare (stop after the training/inference rows; used by benchmarks/compare.py)
//   dotnet run -c Release --project benchmarks/Mnist.Benchmarks -- --onnx      ONNX Runtime vs TorchSharp inference (notebook miniNet,
//            one model and a 2-member ensemble; --repeats, --threads as above; --keep-onnx keeps the exported files)
//   dotnet run -c Release --project benchmarks/Mnist.Benchmarks -- --recipes   the accuracy-recipe candidates on a hold-out of
//            the training set (--epochs E, default 4; --seed S; --filter 'NAME;NAME' picks candidates by name; --float32)
if (args.Contains("--micro"))
{
    BenchmarkSwitcher.FromAssembly(typeof(MicroBenchmarks).Assembly).Run(args.Where(a => a != "--micro").ToArray());
    return;
}

int Arg(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

int samples = Arg("--samples", 3200), repeats = Arg("--repeats", 3), threads = Arg("--threads", 2);
var inv = CultureInfo.InvariantCulture;
// Allocator tuning is the application's choice; --no-malloc-tuning measures the process as glibc sets it up.
TorchRuntime.Configure(new TorchRuntimeOptions { TuneAllocator = !args.Contains("--no-malloc-tuning"), Threads = threads });
Console.WriteLine($"# Mnist end-to-end benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
Console.WriteLine($"machine: {Measure.CpuModel()}, {Environment.ProcessorCount} cores; .NET {Environment.Version}; TorchSharp {typeof(torch).Assembly.GetName().Version}; threads {TorchRuntime.Threads}; glibc malloc tuning {(TorchRuntime.AllocatorTuned ? "on" : "off")}");

var splits = MnistDataset.LoadSplits();
var normalizer = Normalizer.Fit(splits.Train);
if (args.Contains("--onnx"))
{
    OnnxComparison.Run(splits, normalizer, repeats, threads, args.Contains("--keep-onnx"));
    return;
}

if (args.Contains("--recipes"))
{
    int f = Array.IndexOf(args, "--filter");
    RecipeSearch.Run(splits, Arg("--epochs", 4), Arg("--seed", 1), f >= 0 ? args[f + 1] : null,
        args.Contains("--float32") ? ComputePrecision.Float32 : CpuCapabilities.FastestAccuratePrecision);
    return;
}

var train = splits.Train.Slice(0, Math.Min(samples, splits.Train.Count));
using var allImages = train.ToImageTensor(ScalarType.Float32);
using var allLabels = train.ToLabelTensor();
Console.WriteLine($"data: {train.Count} training samples per measurement, {repeats} repeats (median), improved miniNet ({KnownModels.ImprovedMiniNet(normalizer).Build().Summary().TrainableParameters:N0} parameters)");
Console.WriteLine();

using var baseline = new HandWrittenBaseline(normalizer.Mean, normalizer.StandardDeviation, seed: 1);
using var model = KnownModels.ImprovedMiniNet(normalizer).Build(new ModelOptions { Seed = 1 });
model.Compile(new AdamOptions());
using var fast = KnownModels.ImprovedMiniNet(normalizer).Build(new ModelOptions { Seed = 1, Precision = ComputePrecision.BFloat16 });
fast.Compile(new AdamOptions());

// Warm-up both (allocator pools, oneDNN primitives).
baseline.Train(allImages, allLabels, 64, 5, seed: 0);
model.Fit(train.Slice(0, 320).Batches(64));
fast.Fit(train.Slice(0, 320).Batches(64));

Console.WriteLine("| figure | hand-written TorchSharp (float32) | library (float32) | library / baseline | library (bfloat16 compute) | bf16 library / baseline |");
Console.WriteLine("|---|---|---|---|---|---|");
foreach (int batch in new[] { 64, 256 })
{
    int steps = train.Count / batch;
    var trainSet = train.Slice(0, steps * batch);
    var rates = Measure.InterleavedMedianRates(
        repeats,
        () => baseline.Train(allImages, allLabels, batch, steps, seed: 1),
        () => { model.Fit(trainSet.Batches(batch, shuffle: true, seed: 1)); return trainSet.Count; },
        () => { fast.Fit(trainSet.Batches(batch, shuffle: true, seed: 1)); return trainSet.Count; });
    double b = rates[0], l = rates[1], f = rates[2];
    Console.WriteLine($"| training samples/s, batch {batch} | {b.ToString("F0", inv)} | {l.ToString("F0", inv)} | {(l / b).ToString("F3", inv)} | {f.ToString("F0", inv)} | {(f / b).ToString("F3", inv)} |");
}

using (var inferBatch = splits.Test.Slice(0, 1000).ToImageTensor(ScalarType.Float32))
{
    var rates = Measure.InterleavedMedianRates(
        repeats,
        () => { for (int i = 0; i < 3; i++) baseline.Infer(inferBatch); return 3000; },
        () => { for (int i = 0; i < 3; i++) model.PredictProba(inferBatch).Dispose(); return 3000; },
        () => { for (int i = 0; i < 3; i++) fast.PredictProba(inferBatch).Dispose(); return 3000; });
    double b = rates[0], l = rates[1], f = rates[2];
    Console.WriteLine($"| inference samples/s, batch 1000 | {b.ToString("F0", inv)} | {l.ToString("F0", inv)} | {(l / b).ToString("F3", inv)} | {f.ToString("F0", inv)} | {(f / b).ToString("F3", inv)} |");
}

using (var one = splits.Test.Slice(0, 1).ToImageTensor(ScalarType.Float32))
{
    var rates = Measure.InterleavedMedianRates(
        repeats,
        () => { for (int i = 0; i < 200; i++) baseline.Infer(one); return 200; },
        () => { for (int i = 0; i < 200; i++) model.PredictProba(one).Dispose(); return 200; },
        () => { for (int i = 0; i < 200; i++) fast.PredictProba(one).Dispose(); return 200; });
    double b = rates[0], l = rates[1], f = rates[2];
    Console.WriteLine($"| inference latency, batch 1 (ms) | {(1000 / b).ToString("F3", inv)} | {(1000 / l).ToString("F3", inv)} | {(l / b).ToString("F3", inv)} | {(1000 / f).ToString("F3", inv)} | {(f / b).ToString("F3", inv)} |");
}

Console.WriteLine("(latency row: the ratio columns are baseline latency / library latency, so above 1 means faster)");
if (args.Contains("--compare")) return; // benchmarks/compare.py needs only the rows above
Console.WriteLine();
Console.WriteLine("| augmentation (KerasNotebook2017, 28×28) | images/s |");
Console.WriteLine("|---|---|");
var augmentSet = splits.Train.Slice(0, Math.Min(20_000, splits.Train.Count));
foreach (int workers in new[] { 1, 2 })
{
    var execution = new AugmentationExecutionOptions { WorkerCount = workers };
    double rate = Measure.MedianRate(repeats, () =>
    {
        int n = 0;
        foreach (var b in augmentSet.Augment(KnownAugmentations.KerasNotebook2017).Flow(64, shuffle: true, seed: 1, execution: execution).GetBatches(0))
        {
            n += b.Count;
            b.Dispose();
        }

        return n;
    });
    Console.WriteLine($"| {workers} worker(s), alone | {rate.ToString("F0", inv)} |");
}

int epochSamples = Arg("--epoch-samples", samples);
var epochSet = splits.Train.Slice(0, Math.Min(epochSamples, splits.Train.Count));
double plainSeconds = double.MaxValue, augmentedSeconds = double.MaxValue;
for (int r = 0; r < repeats; r++)
{
    var clock = System.Diagnostics.Stopwatch.StartNew();
    model.Fit(epochSet.Batches(64, shuffle: true, seed: r));
    plainSeconds = Math.Min(plainSeconds, clock.Elapsed.TotalSeconds);
    clock.Restart();
    model.Fit(epochSet.Augment(KnownAugmentations.KerasNotebook2017).Flow(64, shuffle: true, seed: r));
    augmentedSeconds = Math.Min(augmentedSeconds, clock.Elapsed.TotalSeconds);
}

Console.WriteLine();
Console.WriteLine($"epoch of {epochSet.Count} images, batch 64 (best of {repeats}): plain {plainSeconds.ToString("F2", inv)} s, augmented {augmentedSeconds.ToString("F2", inv)} s, augmented / plain {(augmentedSeconds / plainSeconds).ToString("F3", inv)}");
Console.WriteLine($"peak RSS: {Measure.PeakRssMiB().ToString("F0", inv)} MiB");
