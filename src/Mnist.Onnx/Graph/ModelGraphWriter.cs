using System.Globalization;
using Mnist.Models;
using static Mnist.Onnx.Graph.GraphBuilder;

namespace Mnist.Onnx.Graph;

/// <summary>
/// Writes the inference computation of one <see cref="SequentialModel"/> into a graph: layer by layer, reproducing what
/// each built TorchSharp module computes in evaluation mode, then the softmax that <c>PredictProba</c> applies.
/// </summary>
internal static class ModelGraphWriter
{
    /// <summary>1/√2, as LibTorch's exact GELU multiplies by it (M_SQRT1_2).</summary>
    private const float InverseSquareRootOfTwo = 0.70710678118654752440f;

    /// <summary>Checks that every layer can be written, naming the first that cannot; touches no weights.</summary>
    /// <exception cref="OnnxExportException">A layer has no ONNX form.</exception>
    public static void EnsureExportable(SequentialModel model, int? memberNumber)
    {
        for (int i = 0; i < model.Layers.Count; i++)
        {
            var info = model.Layers[i];
            if (info.Layer is NormalizeLayer or Conv2DLayer or BatchNormLayer or Pool2DLayer or FlattenLayer or DenseLayer or DropoutLayer or ActivationLayer)
                continue;
            throw Unsupported(info, i, memberNumber, info.Layer switch
            {
                LambdaLayer => "a Lambda layer runs C# code, which an ONNX graph cannot hold. Express the computation with built-in layers " +
                               "(Normalize, Activation, …), copy the trained weights into that model with GetWeights/SetWeights, and export it; or keep serving this model with TorchSharp.",
                ModuleLayer => "a Module layer wraps a TorchSharp module whose computation Mnist.Onnx cannot see. Build the model from built-in layers " +
                               "(Conv2D, BatchNorm, MaxPool2D, AvgPool2D, Flatten, Dense, Dropout, Activation, Normalize) to export it; or keep serving it with TorchSharp.",
                _ => $"it is a custom layer (class {info.Layer.GetType().FullName}); Mnist.Onnx exports only the built-in layers " +
                     "(Normalize, Conv2D, BatchNorm, MaxPool2D, AvgPool2D, Flatten, Dense, Dropout, Activation). Replace it with built-in layers to export the model.",
            });
        }
    }

    /// <summary>
    /// Adds the model's nodes and initializers reading <paramref name="input"/>, and returns the name of its (N, C)
    /// probabilities (the softmax of the network's output, as <c>PredictProba</c> computes them).
    /// </summary>
    /// <param name="graph">The graph.</param>
    /// <param name="model">The model; <see cref="EnsureExportable"/> has accepted it.</param>
    /// <param name="input">The (N, C, H, W) float32 input tensor.</param>
    /// <param name="prefix">Prefix of every node and initializer name (empty for a single model, <c>member1/</c> in ensembles).</param>
    /// <param name="memberNumber">1-based member number for error messages, or <see langword="null"/>.</param>
    public static string Write(GraphBuilder graph, SequentialModel model, string input, string prefix, int? memberNumber)
    {
        EnsureExportable(model, memberNumber);
        using var weights = model.GetWeights();
        string x = input;
        int last = model.Layers.Count - 1;
        for (int i = 0; i <= last; i++)
        {
            var info = model.Layers[i];
            // A final softmax is stripped from the network (it trains on logits) and applied by PredictProba below.
            bool includeTrailing = !(i == last && model.EndsWithSoftmax);
            var context = new LayerContext(graph, weights, info, prefix + info.Name, includeTrailing);
            x = info.Layer switch
            {
                NormalizeLayer normalize => WriteNormalize(context, normalize, x),
                Conv2DLayer conv => WriteConv(context, conv, x),
                BatchNormLayer batchNorm => WriteBatchNorm(context, batchNorm, x),
                Pool2DLayer pool => graph.AddNode(pool.Kind == PoolingKind.Max ? "MaxPool" : "AveragePool", context.Scope + "/" + (pool.Kind == PoolingKind.Max ? "MaxPool" : "AveragePool"), [x],
                    Ints("kernel_shape", pool.PoolSize, pool.PoolSize), Ints("strides", pool.Stride, pool.Stride), Ints("pads", 0, 0, 0, 0)),
                FlattenLayer => graph.AddNode("Flatten", context.Scope + "/Flatten", [x], Int("axis", 1)),
                DenseLayer dense => WriteDense(context, dense, x),
                DropoutLayer => graph.AddNode("Identity", context.Scope + "/Dropout", [x]),
                ActivationLayer activation => includeTrailing && activation.Activation != Activation.None
                    ? WriteActivation(graph, context.Scope, activation.Activation, x)
                    : graph.AddNode("Identity", context.Scope + "/Identity", [x]),
                _ => throw new InvalidOperationException("unreachable: EnsureExportable accepted the layer"),
            };
        }

        // PredictProba: the softmax over classes of the network's output.
        return graph.AddNode("Softmax", prefix + "PredictProba/Softmax", [x], Int("axis", 1));
    }

    private sealed record LayerContext(GraphBuilder Graph, ModelWeights Weights, LayerInfo Info, string Scope, bool IncludeTrailing)
    {
        /// <summary>The full state-dictionary name of the layer's tensor whose relative name ends in <paramref name="suffix"/>.</summary>
        public string? FindState(string suffix)
        {
            var state = Info.Layer.ExpectedState(Info.InputShape, IncludeTrailing)
                ?? throw new InvalidOperationException($"Layer '{Info.Name}' does not describe its state.");
            var match = state.FirstOrDefault(t => t.Name == suffix || t.Name.EndsWith("." + suffix, StringComparison.Ordinal));
            return match is null ? null : Info.Name + "." + match.Name;
        }

        /// <summary>The float32 values and shape of a state tensor, checked against the expected shape.</summary>
        public (float[] Values, long[] Shape) Read(string suffix, long[] expectedShape)
        {
            string name = FindState(suffix) ?? throw new InvalidOperationException($"Layer '{Info.Name}' has no '{suffix}' tensor.");
            long[] shape = Weights.GetShape(name);
            if (!shape.SequenceEqual(expectedShape))
                throw new InvalidOperationException($"Tensor '{name}' has shape ({string.Join(", ", shape)}) but the layer needs ({string.Join(", ", expectedShape)}).");
            return (Weights.GetValues(name), shape);
        }

        /// <summary>Adds a state tensor as an initializer named like it (with the scope's prefix).</summary>
        public string Initializer(string suffix, long[] expectedShape)
        {
            var (values, shape) = Read(suffix, expectedShape);
            return Graph.AddFloats(Scope + "." + RelativeName(suffix), shape, values);
        }

        private string RelativeName(string suffix) => FindState(suffix)![(Info.Name.Length + 1)..];
    }

    private static string WriteNormalize(LayerContext c, NormalizeLayer layer, string x)
    {
        // NormalizeModule: input.sub(mean).mul_(1.0 / std) with the double scalars cast to float32 by LibTorch.
        string mean = c.Graph.AddFloatScalar(c.Scope + ".mean", layer.Mean);
        string scale = c.Graph.AddFloatScalar(c.Scope + ".inverse_std", (float)(1.0 / layer.StandardDeviation));
        string centred = c.Graph.AddNode("Sub", c.Scope + "/Sub", [x, mean]);
        return c.Graph.AddNode("Mul", c.Scope + "/Mul", [centred, scale]);
    }

    /// <summary>Keras' "same" padding before and after one axis (as Conv2DLayer computes it).</summary>
    private static (long Before, long After) SamePadding(int size, int kernel, int stride)
    {
        long output = ((long)size + stride - 1) / stride;
        long total = Math.Max((output - 1) * stride + kernel - size, 0);
        return (total / 2, total - total / 2);
    }

    private static string WriteConv(LayerContext c, Conv2DLayer layer, string x)
    {
        var input = c.Info.InputShape;
        long top = 0, bottom = 0, left = 0, right = 0;
        if (layer.Padding == ConvPadding.Same)
        {
            (top, bottom) = SamePadding(input[1], layer.KernelSize, layer.Stride);
            (left, right) = SamePadding(input[2], layer.KernelSize, layer.Stride);
        }

        // TorchSharp pads symmetrically in the convolution or asymmetrically with a ZeroPad2d first; ONNX Conv takes both
        // as pads [top, left, bottom, right] of zeros.
        var inputs = new List<string> { x, c.Initializer("weight", [layer.Filters, input[0], layer.KernelSize, layer.KernelSize]) };
        if (layer.UseBias) inputs.Add(c.Initializer("bias", [layer.Filters]));
        string y = c.Graph.AddNode("Conv", c.Scope + "/Conv", inputs,
            Ints("kernel_shape", layer.KernelSize, layer.KernelSize), Ints("strides", layer.Stride, layer.Stride),
            Ints("pads", top, left, bottom, right), Ints("dilations", 1, 1), Int("group", 1));
        return c.IncludeTrailing ? WriteActivation(c.Graph, c.Scope, layer.Activation, y) : y;
    }

    private static string WriteDense(LayerContext c, DenseLayer layer, string x)
    {
        var inputs = new List<string> { x, c.Initializer("weight", [layer.Units, c.Info.InputShape[0]]) };
        if (layer.UseBias) inputs.Add(c.Initializer("bias", [layer.Units]));
        // nn.Linear: y = x Wᵀ + b.
        string y = c.Graph.AddNode("Gemm", c.Scope + "/Gemm", inputs, Int("transB", 1));
        return c.IncludeTrailing ? WriteActivation(c.Graph, c.Scope, layer.Activation, y) : y;
    }

    private static string WriteBatchNorm(LayerContext c, BatchNormLayer layer, string x)
    {
        var input = c.Info.InputShape;
        int rank = input.Rank + 1;
        int axis = layer.Axis ?? 1;
        int resolved = axis < 0 ? rank + axis : axis;
        long features = input[resolved - 1];
        long[] shape = [features];
        if (resolved == 1)
        {
            // BatchNorm2d / BatchNorm1d over channels (features): ONNX BatchNormalization in inference mode.
            return c.Graph.AddNode("BatchNormalization", c.Scope + "/BatchNormalization",
                [x, c.Initializer("weight", shape), c.Initializer("bias", shape), c.Initializer("running_mean", shape), c.Initializer("running_var", shape)],
                Float("epsilon", (float)layer.Epsilon));
        }

        // AxisBatchNorm: BatchNorm1d over another axis (e.g. Keras 1's default axis −1, the image width). In evaluation
        // mode LibTorch computes x·α + β per feature with α = γ / √(var + ε) and β = b − mean·α in float32; the same
        // constants are broadcast along that axis here.
        var (gamma, _) = c.Read("weight", shape);
        var (beta, _) = c.Read("bias", shape);
        var (mean, _) = c.Read("running_mean", shape);
        var (variance, _) = c.Read("running_var", shape);
        float epsilon = (float)layer.Epsilon;
        var alpha = new float[features];
        var offset = new float[features];
        for (int f = 0; f < features; f++)
        {
            float inverseStd = 1f / MathF.Sqrt(variance[f] + epsilon);
            alpha[f] = gamma[f] * inverseStd;
            offset[f] = beta[f] - mean[f] * alpha[f];
        }

        long[] broadcast = Enumerable.Repeat(1L, rank).ToArray();
        broadcast[resolved] = features;
        string axisText = resolved.ToString(CultureInfo.InvariantCulture);
        string scale = c.Graph.AddFloats($"{c.Scope}.scale_axis{axisText}", broadcast, alpha);
        string shift = c.Graph.AddFloats($"{c.Scope}.shift_axis{axisText}", broadcast, offset);
        string scaled = c.Graph.AddNode("Mul", c.Scope + "/Mul", [x, scale]);
        return c.Graph.AddNode("Add", c.Scope + "/Add", [scaled, shift]);
    }

    /// <summary>Adds the nodes of an activation (none for <see cref="Activation.None"/>) and returns the output name.</summary>
    private static string WriteActivation(GraphBuilder graph, string scope, Activation activation, string x)
    {
        switch (activation)
        {
            case Activation.None:
                return x;
            case Activation.ReLU:
                return graph.AddNode("Relu", scope + "/Relu", [x]);
            case Activation.Softmax:
                return graph.AddNode("Softmax", scope + "/Softmax", [x], Int("axis", 1));
            case Activation.LogSoftmax:
                return graph.AddNode("LogSoftmax", scope + "/LogSoftmax", [x], Int("axis", 1));
            case Activation.Sigmoid:
                return graph.AddNode("Sigmoid", scope + "/Sigmoid", [x]);
            case Activation.Tanh:
                return graph.AddNode("Tanh", scope + "/Tanh", [x]);
            case Activation.LeakyReLU:
                return graph.AddNode("LeakyRelu", scope + "/LeakyRelu", [x], Float("alpha", 0.01f));
            case Activation.ELU:
                return graph.AddNode("Elu", scope + "/Elu", [x], Float("alpha", 1f));
            case Activation.GELU:
            {
                // Exact GELU (opset 17 has no Gelu operator): x · ½ · (1 + erf(x / √2)), as LibTorch computes it.
                string scaled = graph.AddNode("Mul", scope + "/Gelu/Mul", [x, graph.AddFloatScalar(scope + ".gelu_inverse_sqrt2", InverseSquareRootOfTwo)]);
                string erf = graph.AddNode("Erf", scope + "/Gelu/Erf", [scaled]);
                string onePlus = graph.AddNode("Add", scope + "/Gelu/Add", [erf, graph.AddFloatScalar(scope + ".gelu_one", 1f)]);
                string product = graph.AddNode("Mul", scope + "/Gelu/MulInput", [x, onePlus]);
                return graph.AddNode("Mul", scope + "/Gelu/MulHalf", [product, graph.AddFloatScalar(scope + ".gelu_half", 0.5f)]);
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
        }
    }

    private static OnnxExportException Unsupported(LayerInfo info, int index, int? memberNumber, string reason)
    {
        string where = memberNumber is { } m ? $"Ensemble member {m}: layer" : "Layer";
        return new OnnxExportException(
            $"{where} {index + 1} '{info.Name}' ({info.TypeName}) cannot be exported to ONNX: {reason}",
            index + 1, info.Name, info.TypeName, memberNumber);
    }
}
