using System.Globalization;
using Mnist.Data;
using Mnist.Ensemble;
using Mnist.Models;
using Mnist.Onnx;
using Mnist.OnnxRuntime;
using Mnist.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Benchmarks;

/// <summary>
/// <c>--onnx</c>: inference of the notebook's miniNet (one model, and a 2-member ensemble) with TorchSharp — the
/// model's <c>PredictProba(Tensor)</c> and <see cref="IClassifier.PredictProba"/> over a float span — against the same
/// weights exported with Mnist.Onnx and run by ONNX Runtime through <see cref="OnnxClassifier"/> (the span path, as apps
/// call it). Same process, same images, candidates alternated (A, B, C, A, B, C, …) with an untimed pause before each, medians of the repeats; throughput at
/// batch 1000 and latency at batch 1. The models are trained for a moment first (the moving statistics move) and the
/// ONNX answers are checked against TorchSharp's before timing.
/// </summary>
internal static class OnnxComparison
{
    /// <summary>Untimed, before each candidate: LibTorch's OpenMP threads and ONNX Runtime's pool spin for a while after a call.</summary>
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(300);

    public static void Run(MnistSplits splits, Normalizer normalizer, int repeats, int threads, bool keepFiles)
    {
        var inv = CultureInfo.InvariantCulture;
        string folder = Path.Combine(Path.GetTempPath(), $"mnist-bench-onnx-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        var warmTrain = splits.Train.Slice(0, 640);
        var architecture = KnownModels.NotebookMiniNet(normalizer);
        using var model = architecture.Build(new ModelOptions { Seed = 1 });
        model.Fit(warmTrain.Batches(64, shuffle: true, seed: 1));
        using var ensemble = architecture.ToEnsemble(new EnsembleOptions { MemberCount = 2, Seed = 1 }).Build();
        ensemble.Fit((_, seed) => warmTrain.Batches(64, shuffle: true, seed: seed));
        string modelFile = Path.Combine(folder, "notebook-mininet.onnx"), ensembleFile = Path.Combine(folder, "notebook-mininet-ensemble2.onnx");
        model.ExportOnnx(modelFile);
        ensemble.ExportOnnx(ensembleFile);
        var onnxOptions = new OnnxClassifierOptions { IntraOpThreads = threads };
        using var onnxModel = OnnxClassifier.Load(modelFile, onnxOptions);
        using var onnxEnsemble = OnnxClassifier.Load(ensembleFile, onnxOptions);
        Console.WriteLine($"ONNX Runtime {Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetVersionString()} (CPU execution provider, all graph optimisations, {threads} intra-op threads, OnnxClassifier's default batch of 256 per call); TorchSharp's span path also predicts in chunks of 256");
        Console.WriteLine($"models: notebook miniNet ({model.Summary().TrainableParameters:N0} trainable parameters, {new FileInfo(modelFile).Length:N0} bytes as ONNX), "
                          + $"2-member ensemble ({new FileInfo(ensembleFile).Length:N0} bytes as ONNX); {repeats} repeats (median), candidates alternated with a {Pause.TotalMilliseconds:F0} ms untimed pause before each");

        var test = splits.Test.Slice(0, 1000);
        using var batchTensor = test.ToImageTensor(ScalarType.Float32);
        float[] batch = batchTensor.data<float>().ToArray();
        using var oneTensor = test.Slice(0, 1).ToImageTensor(ScalarType.Float32);
        float[] one = oneTensor.data<float>().ToArray();

        // The answers first: the ONNX graph must compute what TorchSharp computes.
        foreach (var (name, torchSide, onnxSide) in new (string, IClassifier, IClassifier)[] { ("model", model, onnxModel), ("ensemble", ensemble, onnxEnsemble) })
        {
            var p = torchSide.PredictProba(batch, 1000);
            var q = onnxSide.PredictProba(batch, 1000);
            double max = 0;
            int argmaxDiffer = 0;
            for (int i = 0; i < 1000; i++)
            {
                for (int c = 0; c < 10; c++) max = Math.Max(max, Math.Abs(p[i, c] - q[i, c]));
                if (p.ArgMax(i) != q.ArgMax(i)) argmaxDiffer++;
            }

            Console.WriteLine(string.Create(inv, $"check, {name}: max |p_onnx − p_torch| over 1,000 test images {max:0.0e0}, arg-max differences {argmaxDiffer}"));
        }

        Console.WriteLine();
        Console.WriteLine("| figure | TorchSharp PredictProba(Tensor) | TorchSharp IClassifier.PredictProba(span) | ONNX Runtime (OnnxClassifier, span) | ONNX / Tensor | ONNX / span |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var (name, torchModel, onnx) in new (string, Func<Tensor, Tensor>, IClassifier)[]
                 {
                     ("model", t => model.PredictProba(t), onnxModel),
                     ("2-member ensemble", t => ensemble.PredictProba(t), onnxEnsemble),
                 })
        {
            IClassifier torchClassifier = name == "model" ? model : ensemble;
            // Warm-up: allocator pools, oneDNN primitives, ONNX Runtime's arena.
            for (int i = 0; i < 3; i++)
            {
                torchModel(batchTensor).Dispose();
                torchClassifier.PredictProba(batch, 1000);
                onnx.PredictProba(batch, 1000);
            }

            int rounds = 3;
            var rates = Measure.InterleavedMedianRates(
                repeats,
                Pause,
                () => { for (int i = 0; i < rounds; i++) torchModel(batchTensor).Dispose(); return rounds * 1000; },
                () => { for (int i = 0; i < rounds; i++) torchClassifier.PredictProba(batch, 1000); return rounds * 1000; },
                () => { for (int i = 0; i < rounds; i++) onnx.PredictProba(batch, 1000); return rounds * 1000; });
            Console.WriteLine(string.Create(inv, $"| {name}: inference images/s, batch 1000 | {rates[0]:F0} | {rates[1]:F0} | {rates[2]:F0} | {rates[2] / rates[0]:F2} | {rates[2] / rates[1]:F2} |"));

            for (int i = 0; i < 100; i++)
            {
                torchModel(oneTensor).Dispose();
                torchClassifier.PredictProba(one, 1);
                onnx.PredictProba(one, 1);
            }

            int calls = 200;
            var single = Measure.InterleavedMedianRates(
                repeats,
                Pause,
                () => { for (int i = 0; i < calls; i++) torchModel(oneTensor).Dispose(); return calls; },
                () => { for (int i = 0; i < calls; i++) torchClassifier.PredictProba(one, 1); return calls; },
                () => { for (int i = 0; i < calls; i++) onnx.PredictProba(one, 1); return calls; });
            Console.WriteLine(string.Create(inv, $"| {name}: latency, batch 1 (ms) | {1000 / single[0]:F3} | {1000 / single[1]:F3} | {1000 / single[2]:F3} | {single[2] / single[0]:F2} | {single[2] / single[1]:F2} |"));
        }

        Console.WriteLine("(ratios are ONNX Runtime's speed over TorchSharp's — throughput over throughput, for latency the inverse of the latency ratio — so above 1 means ONNX Runtime is faster)");
        Console.WriteLine($"peak RSS: {Measure.PeakRssMiB().ToString("F0", inv)} MiB");
        if (keepFiles) Console.WriteLine($"kept the ONNX files in {folder}");
        else Directory.Delete(folder, recursive: true);
    }
}
