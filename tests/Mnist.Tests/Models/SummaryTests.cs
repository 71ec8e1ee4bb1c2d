using Mnist.Data;
using Mnist.Models;
using Mnist.Models.Presets;

namespace Mnist.Tests.Models;

public sealed class SummaryTests
{
    private static readonly Normalizer MnistStatistics = new(33.318421f, 78.567444f);

    // Hand-computed Keras counts: conv k·k·cin·cout + cout; dense in·out + out; batch norm 2 per feature trainable
    // (γ, β) and 2 non-trainable (moving mean, variance).
    private static readonly (string Shape, long Trainable, long NonTrainable)[] NotebookRows =
    [
        ("(None, 1, 28, 28)", 0, 0),                  // Normalize
        ("(None, 32, 28, 28)", 3 * 3 * 1 * 32 + 32, 0),
        ("(None, 32, 28, 28)", 3 * 3 * 32 * 32 + 32, 0),
        ("(None, 32, 14, 14)", 0, 0),                 // MaxPool
        ("(None, 32, 14, 14)", 2 * 32, 2 * 32),       // BN channels
        ("(None, 64, 14, 14)", 3 * 3 * 32 * 64 + 64, 0),
        ("(None, 64, 14, 14)", 2 * 64, 2 * 64),
        ("(None, 64, 14, 14)", 3 * 3 * 64 * 64 + 64, 0),
        ("(None, 64, 7, 7)", 0, 0),
        ("(None, 64, 7, 7)", 2 * 7, 2 * 7),           // the Keras 1 width quirk
        ("(None, 3136)", 0, 0),                       // Flatten
        ("(None, 3136)", 2 * 3136, 2 * 3136),
        ("(None, 512)", 3136 * 512 + 512, 0),
        ("(None, 512)", 2 * 512, 2 * 512),
        ("(None, 512)", 0, 0),                        // Dropout
        ("(None, 10)", 512 * 10 + 10, 0),
    ];

    [Fact]
    public void Notebook_miniNet_has_the_notebooks_shapes_and_1_683_768_trainable_parameters()
    {
        using var model = KnownModels.NotebookMiniNet(MnistStatistics).Build(new ModelOptions { Seed = 1 });
        var summary = model.Summary();

        summary.Layers.Select(l => l.OutputShape.ToString()).Should().Equal(NotebookRows.Select(r => r.Shape));
        summary.Layers.Select(l => l.TrainableParameters).Should().Equal(NotebookRows.Select(r => r.Trainable));
        summary.Layers.Select(l => l.NonTrainableParameters).Should().Equal(NotebookRows.Select(r => r.NonTrainable));
        summary.TrainableParameters.Should().Be(1_683_768);
        summary.NonTrainableParameters.Should().Be(7_502);
        summary.TotalParameters.Should().Be(1_691_270);

        // The parameters TorchSharp actually holds agree with the table.
        model.Network.parameters().Sum(p => p.numel()).Should().Be(1_683_768);

        string text = summary.ToString();
        text.Should().Contain("Trainable params: 1,683,768");
        text.Should().Contain("batch_normalization_3 (BatchNormalization)");
        text.Should().Contain("(None, 64, 7, 7)");
        text.Should().Contain("dense_2 (Dense)");
    }

    [Fact]
    public void Improved_miniNet_normalises_the_64_channels_before_Flatten()
    {
        using var model = KnownModels.ImprovedMiniNet(MnistStatistics).Build(new ModelOptions { Seed = 1 });
        var quirkRow = model.Layers[9];
        quirkRow.TypeName.Should().Be("BatchNormalization");
        quirkRow.TrainableParameters.Should().Be(2 * 64);
        model.Summary().TrainableParameters.Should().Be(1_683_768 - 14 + 128);
    }

    [Fact]
    public void Layer_names_are_keras_style_and_unique()
    {
        using var model = KnownModels.NotebookMiniNet(MnistStatistics).Build();
        model.Layers.Select(l => l.Name).Should().StartWith(["normalize_1", "conv2d_1", "conv2d_2", "max_pooling2d_1", "batch_normalization_1"]);
        model.Layers.Select(l => l.Name).Should().OnlyHaveUniqueItems();
    }
}
