using Mnist.Augmentation;
using Mnist.Data;
using Mnist.Models;
using Mnist.Training;

namespace Mnist.Train;

/// <summary>What the settings ask to train: the architecture, the augmentation, the schedule and its callbacks.</summary>
/// <param name="Architecture">The network (with the dataset's class names).</param>
/// <param name="Augmentation">The training augmentation (used when <c>--augment</c> is on).</param>
/// <param name="Schedule">Epochs and learning rates.</param>
/// <param name="Callbacks">Callbacks every member trains with (the one-cycle learning-rate scheduler).</param>
/// <param name="Description">One line for the log.</param>
internal sealed record TrainingPlan(SequentialBuilder Architecture, AugmentationOptions Augmentation, TrainingSchedule Schedule, IReadOnlyList<Callback> Callbacks, string Description)
{
    /// <summary>Resolves <paramref name="settings"/> (after <see cref="TrainSettings.Validate"/>) for the dataset.</summary>
    public static TrainingPlan Create(TrainSettings settings, Normalizer normalizer, MnistDataset train, DatasetDescriptor dataset)
    {
        var architecture = settings.Model switch
        {
            "improved" => KnownModels.ImprovedMiniNet(normalizer, train.ClassCount),
            "strided" => KnownModels.StridedNet(normalizer, train.ClassCount),
            _ => KnownModels.NotebookMiniNet(normalizer, train.ClassCount),
        };
        architecture.WithClassNames(train.ClassNames); // kept in the model files (and the ONNX export)
        var augmentation = settings.Recipe is { } recipe ? KnownRecipes.Get(recipe).Augmentation(dataset) : KnownAugmentations.KerasNotebook2017;
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        if (settings.Schedule == TrainSettings.OneCycleSchedule)
        {
            var cycle = new OneCycleSchedule(settings.FirstLearningRate, settings.FirstEpochs);
            return new TrainingPlan(architecture, augmentation, TrainingSchedule.Epochs(settings.FirstEpochs), [new LearningRateScheduler(cycle)],
                string.Create(inv, $"one-cycle {settings.FirstEpochs} epochs, peak lr {settings.FirstLearningRate}"));
        }

        var schedule = settings.SecondEpochs > 0
            ? TrainingSchedule.FromPhases((settings.FirstLearningRate, settings.FirstEpochs), (settings.SecondLearningRate, settings.SecondEpochs))
            : TrainingSchedule.Epochs(settings.FirstEpochs, settings.FirstLearningRate);
        return new TrainingPlan(architecture, augmentation, schedule, [],
            string.Create(inv, $"schedule {settings.FirstEpochs}×lr {settings.FirstLearningRate} + {settings.SecondEpochs}×lr {settings.SecondLearningRate}"));
    }
}
