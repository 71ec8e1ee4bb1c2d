using Mnist.Models;

namespace Mnist.Models;

/// <summary>One built layer as <c>Summary()</c> shows it.</summary>
/// <param name="Name">Unique layer name (also the prefix of its parameter names in weight files).</param>
/// <param name="Layer">The layer description it was built from.</param>
/// <param name="InputShape">Per-sample input shape.</param>
/// <param name="OutputShape">Per-sample output shape.</param>
/// <param name="TrainableParameters">Number of trainable values.</param>
/// <param name="NonTrainableParameters">Number of non-trainable values (frozen parameters, batch-norm moving statistics).</param>
public sealed record LayerInfo(string Name, Layer Layer, TensorShape InputShape, TensorShape OutputShape, long TrainableParameters, long NonTrainableParameters)
{
    /// <summary>Keras-style type name.</summary>
    public string TypeName => Layer.TypeName;

    /// <summary>All values of the layer.</summary>
    public long Parameters => TrainableParameters + NonTrainableParameters;
}
