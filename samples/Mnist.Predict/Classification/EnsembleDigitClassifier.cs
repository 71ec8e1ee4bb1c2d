using Mnist.Ensemble;
using Mnist.Runtime;

namespace Mnist.Predict.Classification;

/// <summary>An <see cref="IDigitClassifier"/> over a saved <see cref="ModelEnsemble"/>: the members' combined softmax outputs.</summary>
public sealed class EnsembleDigitClassifier : IDigitClassifier
{
    private readonly ModelEnsemble _ensemble;

    /// <summary>Wraps <paramref name="ensemble"/>; the classifier owns it and disposes it.</summary>
    /// <param name="ensemble">An ensemble whose members take (1, S, S) images on the 0–255 scale.</param>
    /// <param name="name">Its name for <see cref="Description"/> (e.g. its folder).</param>
    /// <exception cref="ArgumentException">The members do not take single-channel square images or do not output classes.</exception>
    public EnsembleDigitClassifier(ModelEnsemble ensemble, string name)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var input = ensemble.InputShape;
        if (input.Rank != 3 || input[0] != 1 || input[1] != input[2])
            throw new ArgumentException($"{name}: the ensemble's input is {input}; a digit classifier needs one channel of square images, e.g. (1, 28, 28).", nameof(ensemble));
        if (ensemble.OutputShape.Rank != 1)
            throw new ArgumentException($"{name}: the ensemble's output is {ensemble.OutputShape}, not a class vector.", nameof(ensemble));
        _ensemble = ensemble;
        ImageSize = input[1];
        ClassCount = ensemble.ClassCount;
        Description = $"ensemble {name} ({ensemble.Count} members, {ensemble.Combination}, {ClassCount} classes, input 1×{ImageSize}×{ImageSize})";
    }

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public int ClassCount { get; }

    /// <inheritdoc />
    public int ImageSize { get; }

    /// <summary>Loads an ensemble folder written by <see cref="ModelEnsemble.Save"/>.</summary>
    /// <param name="folder">The folder holding <c>ensemble.json</c> and the member files.</param>
    /// <exception cref="Mnist.Ensemble.EnsembleFileException">The folder is incomplete or inconsistent; the message names what.</exception>
    public static EnsembleDigitClassifier Load(string folder)
    {
        TorchRuntime.EnsureInitialized();
        var ensemble = ModelEnsemble.Load(folder);
        try
        {
            return new EnsembleDigitClassifier(ensemble, Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)));
        }
        catch
        {
            ensemble.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public float[,] PredictProba(float[] batch0To255, int count) =>
        BatchedPrediction.Run(batch0To255, count, ImageSize, ClassCount, _ensemble.PredictProba);

    /// <summary>Disposes the ensemble and its members.</summary>
    public void Dispose() => _ensemble.Dispose();
}
