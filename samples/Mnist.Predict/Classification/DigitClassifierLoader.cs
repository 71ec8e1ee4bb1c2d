namespace Mnist.Predict.Classification;

/// <summary>
/// Opens the classifier named on the command line. Each kind of saved predictor is one branch here: today a whole-model file
/// (<see cref="ModelDigitClassifier"/>); a saved ensemble (a folder) plugs in as another <see cref="IDigitClassifier"/>.
/// </summary>
public static class DigitClassifierLoader
{
    /// <summary>Opens the predictor at <paramref name="path"/>.</summary>
    /// <param name="path">A <c>.mnistmodel</c> file written by <c>SequentialModel.Save</c>.</param>
    /// <exception cref="FileNotFoundException">Nothing exists at <paramref name="path"/>.</exception>
    /// <exception cref="ArgumentException">The path is a folder, or the model is not a digit classifier.</exception>
    /// <exception cref="Mnist.Models.Persistence.ModelFileException">The file is not a model file or is corrupt.</exception>
    public static IDigitClassifier Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
            throw new ArgumentException($"{path} is a folder; --model expects a whole-model file (.mnistmodel) written by SequentialModel.Save.", nameof(path));
        if (!File.Exists(path)) throw new FileNotFoundException($"Model file not found: {path}", path);
        return ModelDigitClassifier.Load(path);
    }
}
