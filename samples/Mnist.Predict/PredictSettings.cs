using Mnist.Preprocessing;

namespace Mnist.Predict;

/// <summary>What <see cref="PredictApp.Predict(PredictSettings, TextWriter, TextWriter)"/> classifies, with what, and how it reports.</summary>
/// <param name="ModelPath">The saved model (.mnistmodel).</param>
/// <param name="Images">Image files or folders of them.</param>
/// <param name="Top">How many of the most probable classes to print per image.</param>
/// <param name="Inversion">Whether the preprocessing inverts the images.</param>
/// <param name="SavePreprocessedDirectory">A folder for the preprocessed 28×28 PNGs, or <see langword="null"/>.</param>
public sealed record PredictSettings(string ModelPath, IReadOnlyList<string> Images, int Top = 3, DigitInversion Inversion = DigitInversion.Auto, string? SavePreprocessedDirectory = null);
