using System.Globalization;
using System.Text;

namespace Mnist.Models;

/// <summary>Keras-style summary of a model: one row per layer and the parameter totals.</summary>
public sealed class ModelSummary
{
    internal ModelSummary(TensorShape inputShape, IReadOnlyList<LayerInfo> layers)
    {
        InputShape = inputShape;
        Layers = layers;
    }

    /// <summary>Per-sample input shape.</summary>
    public TensorShape InputShape { get; }

    /// <summary>The layers in order.</summary>
    public IReadOnlyList<LayerInfo> Layers { get; }

    /// <summary>All parameter values, trainable or not.</summary>
    public long TotalParameters => TrainableParameters + NonTrainableParameters;

    /// <summary>Trainable parameter values.</summary>
    public long TrainableParameters => Layers.Sum(l => l.TrainableParameters);

    /// <summary>Non-trainable values (batch-norm moving mean and variance, frozen parameters).</summary>
    public long NonTrainableParameters => Layers.Sum(l => l.NonTrainableParameters);

    /// <summary>The table, as Keras' <c>model.summary()</c> prints it.</summary>
    public override string ToString()
    {
        var inv = CultureInfo.InvariantCulture;
        int nameWidth = Math.Max(29, Layers.Max(l => l.Name.Length + l.TypeName.Length + 4));
        int shapeWidth = Math.Max(26, Layers.Max(l => l.OutputShape.ToString().Length + 2));
        int width = nameWidth + shapeWidth + 12;
        var sb = new StringBuilder();
        sb.AppendLine(new string('_', width));
        sb.Append("Layer (type)".PadRight(nameWidth)).Append("Output Shape".PadRight(shapeWidth)).AppendLine("Param #");
        sb.AppendLine(new string('=', width));
        sb.Append("input (InputLayer)".PadRight(nameWidth)).Append(InputShape.ToString().PadRight(shapeWidth)).AppendLine("0");
        foreach (var layer in Layers)
        {
            sb.AppendLine(new string('_', width));
            sb.Append($"{layer.Name} ({layer.TypeName})".PadRight(nameWidth))
              .Append(layer.OutputShape.ToString().PadRight(shapeWidth))
              .AppendLine(layer.Parameters.ToString("N0", inv));
        }

        sb.AppendLine(new string('=', width));
        sb.AppendLine("Total params: " + TotalParameters.ToString("N0", inv));
        sb.AppendLine("Trainable params: " + TrainableParameters.ToString("N0", inv));
        sb.AppendLine("Non-trainable params: " + NonTrainableParameters.ToString("N0", inv));
        sb.Append(new string('_', width));
        return sb.ToString();
    }
}
