using Microsoft.ML.OnnxRuntime;

namespace Mnist.Onnx.Tests.Infrastructure;

/// <summary>Runs an exported graph with ONNX Runtime's CPU provider.</summary>
internal static class OnnxRunner
{
    /// <summary>The (N, C) probabilities the graph at <paramref name="path"/> computes for N images of <paramref name="sampleShape"/>.</summary>
    public static float[] Run(string path, float[] images, int[] sampleShape, int batchSize = 250)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 2, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        using var session = new InferenceSession(path, options);
        int sampleSize = sampleShape.Aggregate(1, (a, d) => a * d);
        int count = images.Length / sampleSize;
        var result = new List<float>();
        for (int start = 0; start < count; start += batchSize)
        {
            int n = Math.Min(batchSize, count - start);
            long[] shape = [n, .. sampleShape.Select(d => (long)d)];
            using var input = OrtValue.CreateTensorValueFromMemory(images.AsMemory(start * sampleSize, n * sampleSize).ToArray(), shape);
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, [OnnxExport.InputName], [input], [OnnxExport.OutputName]);
            result.AddRange(outputs[0].GetTensorDataAsSpan<float>().ToArray());
        }

        return result.ToArray();
    }
}
