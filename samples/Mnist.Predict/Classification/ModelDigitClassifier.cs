using Mnist.Models;
using Mnist.Runtime;

namespace Mnist.Predict.Classification;

/// <summary>An <see cref="IDigitClassifier"/> over one <see cref="SequentialModel"/> whose input is (1, S, S) on the 0–255 scale.</summary>
public sealed class ModelDigitClassifier : IDigitClassifier
{
    private readonly SequentialModel _model;

    /// <summary>Wraps <paramref name="model"/>; the classifier owns it and disposes it.</summary>
    /// <param name="model">A model with input shape (1, S, S) and a class-vector output.</param>
    /// <param name="name">The model's name for <see cref="Description"/> (e.g. its file name).</param>
    /// <exception cref="ArgumentException">The model does not take single-channel square images or does not output classes.</exception>
    public ModelDigitClassifier(SequentialModel model, string name)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var input = model.InputShape;
        if (input.Rank != 3 || input[0] != 1 || input[1] != input[2])
            throw new ArgumentException($"{name}: the model's input is {input}; a digit classifier needs one channel of square images, e.g. (1, 28, 28).", nameof(model));
        if (model.OutputShape.Rank != 1)
            throw new ArgumentException($"{name}: the model's output is {model.OutputShape}, not a class vector.", nameof(model));
        _model = model;
        ImageSize = input[1];
        ClassCount = model.ClassCount;
        long parameters = model.Layers.Sum(l => l.TrainableParameters + l.NonTrainableParameters);
        Description = $"model {name} ({ClassCount} classes, input 1×{ImageSize}×{ImageSize}, {parameters:N0} parameters)";
    }

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public int ClassCount { get; }

    /// <inheritdoc />
    public int ImageSize { get; }

    /// <summary>Loads a whole-model file written by <see cref="SequentialModel.Save"/>.</summary>
    /// <param name="path">The <c>.mnistmodel</c> file.</param>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="Mnist.Models.Persistence.ModelFileException">The file is not a model file or is corrupt.</exception>
    /// <exception cref="ArgumentException">The model is not a digit classifier (see the constructor).</exception>
    public static ModelDigitClassifier Load(string path)
    {
        TorchRuntime.EnsureInitialized();
        var model = SequentialModel.Load(path);
        try
        {
            return new ModelDigitClassifier(model, Path.GetFileName(path));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public float[,] PredictProba(float[] batch0To255, int count) =>
        BatchedPrediction.Run(batch0To255, count, ImageSize, ClassCount, _model.PredictProba);

    /// <summary>Disposes the model.</summary>
    public void Dispose() => _model.Dispose();
}
