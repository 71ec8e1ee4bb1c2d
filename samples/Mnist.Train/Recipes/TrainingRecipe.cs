using Mnist.Augmentation;
using Mnist.Data;
using Mnist.Models;

namespace Mnist.Train;

/// <summary>
/// A named recipe (<c>--recipe NAME</c>): architecture, augmentation (which may differ per dataset), a one-cycle Adam
/// schedule, batch size, ensemble size, label smoothing and the training images held out for validation. Built only from
/// the libraries' public presets, so a program of the user's own can compose the same (docs/recipes.md shows how).
/// </summary>
/// <param name="Name">The name given to <c>--recipe</c>.</param>
/// <param name="Summary">One line for <c>--help</c> and the log.</param>
/// <param name="Model">The <c>--model</c> it trains (e.g. <c>strided</c>: <see cref="KnownModels.StridedNet"/>).</param>
/// <param name="Augmentation">The training augmentation for a dataset.</param>
/// <param name="Epochs">Epochs of the one-cycle schedule, per member.</param>
/// <param name="MaxLearningRate">Peak learning rate of the one-cycle schedule.</param>
/// <param name="BatchSize">Training batch size.</param>
/// <param name="Members">Ensemble members.</param>
/// <param name="LabelSmoothing">Label smoothing of the training loss.</param>
/// <param name="HoldoutImages">The last training images, kept out of training and used as the validation set.</param>
internal sealed record TrainingRecipe(
    string Name,
    string Summary,
    string Model,
    Func<DatasetDescriptor, AugmentationOptions> Augmentation,
    int Epochs,
    double MaxLearningRate,
    int BatchSize,
    int Members,
    double LabelSmoothing,
    int HoldoutImages);
