namespace Mnist.Web.Api;

/// <summary>The answer of <c>POST /api/predict</c>.</summary>
/// <param name="Model">The classifier that answered, e.g. <c>"ensemble ensemble (2 members, ArithmeticMean, 10 classes, input 1×28×28)"</c>.</param>
/// <param name="Prediction">The most probable class.</param>
/// <param name="Top">The <c>top</c> most probable classes, most probable first (lower class index first on ties).</param>
/// <param name="Probabilities">Every class's probability, in class-index order (they sum to 1).</param>
/// <param name="Image">The image the classifier saw (after the MNIST preprocessing for uploads; the array itself for JSON).</param>
public sealed record PredictionResponse(
    string Model,
    ClassScore Prediction,
    IReadOnlyList<ClassScore> Top,
    IReadOnlyList<ClassScore> Probabilities,
    PreprocessedImage Image);

/// <summary>A class and its probability.</summary>
/// <param name="Class">The class index.</param>
/// <param name="Name">The classifier's name for it (<c>IClassifier.ClassNames</c>), e.g. <c>"7"</c>.</param>
/// <param name="Probability">Its probability, 0–1.</param>
public sealed record ClassScore(int Class, string Name, float Probability);

/// <summary>The classifier's input image.</summary>
/// <param name="Width">Width in pixels (28 for MNIST models).</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Pixels">Width × height values, row-major, on the 0–255 scale, 0 = background, 255 = ink.</param>
/// <param name="PngBase64">The same image as a greyscale PNG, base64-encoded (values rounded to whole numbers).</param>
public sealed record PreprocessedImage(int Width, int Height, float[] Pixels, string PngBase64);

/// <summary>The answer of <c>GET /api/model</c>: what the app serves.</summary>
/// <param name="Ready">Whether a classifier is loaded (<c>POST /api/predict</c> answers 503 otherwise).</param>
/// <param name="Model">Its description, or <see langword="null"/>.</param>
/// <param name="ImageSize">The side S of its S × S input, or <see langword="null"/>.</param>
/// <param name="ClassNames">Its class names, in class-index order.</param>
/// <param name="Problem">Without a classifier: why, and the command that makes one.</param>
/// <param name="MaxRequestBytes">The largest request body accepted.</param>
public sealed record ModelInfo(bool Ready, string? Model, int? ImageSize, IReadOnlyList<string> ClassNames, string? Problem, long MaxRequestBytes);
