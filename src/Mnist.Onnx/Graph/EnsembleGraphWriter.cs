using Mnist.Ensemble;
using Mnist.Onnx.Protobuf;
using static Mnist.Onnx.Graph.GraphBuilder;

namespace Mnist.Onnx.Graph;

/// <summary>
/// Writes every member of a <see cref="ModelEnsemble"/> (names prefixed <c>member1/</c>, <c>member2/</c>, …) and the
/// combination of their probabilities, with the arithmetic of <see cref="ProbabilityCombination"/>: float64, members
/// summed in order, the result cast to float32.
/// </summary>
internal static class EnsembleGraphWriter
{
    public static string Write(GraphBuilder graph, ModelEnsemble ensemble, string input)
    {
        var members = ensemble.Members;
        for (int m = 0; m < members.Count; m++) ModelGraphWriter.EnsureExportable(members[m].Model, m + 1);

        double[] weights = NormalisedWeights(ensemble);
        bool geometric = ensemble.Combination == EnsembleCombination.GeometricMean;
        string floor = geometric ? graph.AddDoubleScalar("combination.probability_floor", ProbabilityCombination.ProbabilityFloor) : string.Empty;
        string? sum = null;
        for (int m = 0; m < members.Count; m++)
        {
            string prefix = $"member{m + 1}/";
            string probabilities = ModelGraphWriter.Write(graph, members[m].Model, input, prefix, m + 1);
            string p = graph.AddNode("Cast", $"combination/member{m + 1}/Cast", [probabilities], Int("to", (long)TensorProto.Types.DataType.Double));
            if (geometric)
            {
                string floored = graph.AddNode("Max", $"combination/member{m + 1}/Floor", [p, floor]);
                p = graph.AddNode("Log", $"combination/member{m + 1}/Log", [floored]);
            }

            string weight = graph.AddDoubleScalar($"combination.member{m + 1}.weight", weights[m]);
            string term = graph.AddNode("Mul", $"combination/member{m + 1}/Weight", [p, weight]);
            sum = sum is null ? term : graph.AddNode("Add", $"combination/member{m + 1}/Sum", [sum, term]);
        }

        if (geometric)
        {
            // exp(s − max s) / Σ exp(s − max s): the renormalised geometric mean.
            string max = graph.AddNode("ReduceMax", "combination/ReduceMax", [sum!], Ints("axes", 1), Int("keepdims", 1));
            string shifted = graph.AddNode("Sub", "combination/Sub", [sum!, max]);
            string exp = graph.AddNode("Exp", "combination/Exp", [shifted]);
            string total = graph.AddNode("ReduceSum", "combination/ReduceSum", [exp, graph.AddInt64s("combination.class_axis", [1])], Int("keepdims", 1));
            sum = graph.AddNode("Div", "combination/Renormalise", [exp, total]);
        }

        return graph.AddNode("Cast", "combination/CastFloat", [sum!], Int("to", (long)TensorProto.Types.DataType.Float));
    }

    /// <summary>The per-member weights the combination uses: equal for the unweighted rules, normalised to sum 1 for the weighted mean.</summary>
    public static double[] NormalisedWeights(ModelEnsemble ensemble)
    {
        int count = ensemble.Count;
        if (ensemble.Combination != EnsembleCombination.WeightedMean) return Enumerable.Repeat(1.0 / count, count).ToArray();
        var weights = ensemble.Weights;
        double total = weights.Sum();
        if (!(total > 0) || weights.Any(w => !double.IsFinite(w) || w < 0))
            throw new InvalidOperationException("The ensemble's weights must be finite, non-negative and have a positive sum for WeightedMean; set them with SetWeights.");
        return weights.Select(w => w / total).ToArray();
    }
}
