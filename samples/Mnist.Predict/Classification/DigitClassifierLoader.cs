namespace Mnist.Predict.Classification;

/// <summary>
/// Opens the classifier named on the command line: a whole-model file (<see cref="ModelDigitClassifier"/>) or a saved
/// ensemble folder (<see cref="EnsembleDigitClassifier"/>), e.g. the <c>ensemble/</c> folder that samples/Mnist.Train writes.
/// </summary>
public static class DigitClassifierLoader
{
    /// <summary>Opens the predictor at <paramref name="path"/>.</summary>
    /// <param name="path">A <c>.mnistmodel</c> file written by <c>SequentialModel.Save</c>, or a folder written by <c>ModelEnsemble.Save</c>.</param>
    /// <exception cref="FileNotFoundException">Nothing exists at <paramref name="path"/>.</exception>
    /// <exception cref="ArgumentException">The model is not a digit classifier.</exception>
    /// <exception cref="Mnist.Ensemble.EnsembleFileException">The folder is not a complete, consistent ensemble.</exception>
    /// <exception cref="Mnist.Models.Persistence.ModelFileException">The file is not a model file or is corrupt.</exception>
    public static IDigitClassifier Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path)) return EnsembleDigitClassifier.Load(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Model file not found: {path}", path);
        return ModelDigitClassifier.Load(path);
    }
}
