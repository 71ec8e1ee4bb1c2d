using Mnist.Augmentation;
using Mnist.Data;
using Mnist.Models;

namespace Mnist.Train;

/// <summary>The recipes <c>--recipe</c> accepts (chosen on a hold-out set; the evidence is in docs/recipes.md).</summary>
internal static class KnownRecipes
{
    /// <summary>
    /// <c>cpu-hour</c>: the most accurate ensemble found that trains within an hour on a 2-core CPU — the strided convnet
    /// (<see cref="KnownModels.StridedNet"/>), small affine moves on digits (elastic distortion cost hold-out accuracy in the search) (shifts, zoom and
    /// random erasing on clothing, which rotation and elastic warps do not suit), one-cycle Adam.
    /// </summary>
    public static TrainingRecipe CpuHour { get; } = new(
        Name: "cpu-hour",
        Summary: "strided convnet, ±10° rotation, 10 % shift and zoom (shift/zoom/erasing for fashion-mnist), 15 epochs of one-cycle Adam, 4 members, 5,000 training images held out for validation",
        Model: "strided",
        Augmentation: AugmentationFor,
        Epochs: 15,
        MaxLearningRate: 0.005,
        BatchSize: 128,
        Members: 4,
        LabelSmoothing: 0,
        HoldoutImages: 5_000);

    /// <summary>Every recipe, by name.</summary>
    public static IReadOnlyList<TrainingRecipe> All { get; } = [CpuHour];

    /// <summary>The names <c>--recipe</c> accepts.</summary>
    public static string[] Names => All.Select(r => r.Name).ToArray();

    /// <summary>The recipe called <paramref name="name"/>.</summary>
    /// <exception cref="UsageException">No recipe has that name.</exception>
    public static TrainingRecipe Get(string name) =>
        All.FirstOrDefault(r => r.Name == name) ?? throw new UsageException($"--recipe must be one of {string.Join(", ", Names)}; got '{name}'.");

    private static AugmentationOptions AugmentationFor(DatasetDescriptor dataset)
    {
        if (dataset.Id == KnownDatasets.FashionMnist.Id)
        {
            // Clothing is photographed upright and centred: no rotation or elastic warp, which make garments that do not
            // occur; small shifts and zoom, and random erasing (introduced on Fashion-MNIST by Zhong et al. 2017).
            return new AugmentationOptions { WidthShiftRange = 0.1, HeightShiftRange = 0.1, ZoomRange = 0.1, ErasingProbability = 0.5 };
        }

        return new AugmentationOptions
        {
            RotationRangeDegrees = 10,
            WidthShiftRange = 0.1,
            HeightShiftRange = 0.1,
            ZoomRange = 0.1,
        };
    }
}
