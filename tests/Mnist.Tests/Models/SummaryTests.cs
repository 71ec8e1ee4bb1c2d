using Mnist.Data;
using Mnist.Models;
using System.Globalization;
using System.Text.RegularExpressions;
using Mnist.Training;

namespace Mnist.Tests.Models;

public sealed class SummaryTests
{
    private static readonly Normalizer MnistStatistics = new(33.318421f, 78.567444f);

    // The notebook's printed `CN.summary()` table (Keras 1.1), row by row: Keras layer type (as printed, truncated to
    // the column width), output shape and `Param #`. Keras 1.1 counts trainable weights only (γ and β for batch norm).
    private const string NotebookSummaryTable = """
        lambda_30 (Lambda)               (None, 1, 28, 28)     0
        convolution2d_117 (Convolution2D)(None, 32, 28, 28)    320
        batchnormalization_146 (BatchNorm(None, 32, 28, 28)    64
        convolution2d_118 (Convolution2D)(None, 32, 28, 28)    9248
        maxpooling2d_59 (MaxPooling2D)   (None, 32, 14, 14)    0
        convolution2d_119 (Convolution2D)(None, 64, 14, 14)    18496
        batchnormalization_147 (BatchNorm(None, 64, 14, 14)    128
        convolution2d_120 (Convolution2D)(None, 64, 14, 14)    36928
        maxpooling2d_60 (MaxPooling2D)   (None, 64, 7, 7)      0
        batchnormalization_148 (BatchNorm(None, 64, 7, 7)      14
        flatten_30 (Flatten)             (None, 3136)          0
        batchnormalization_149 (BatchNorm(None, 3136)          6272
        dense_59 (Dense)                 (None, 512)           1606144
        batchnormalization_150 (BatchNorm(None, 512)           1024
        dropout_30 (Dropout)             (None, 512)           0
        dense_60 (Dense)                 (None, 10)            5130
        """;

    private const long NotebookTotalParams = 1683768;

    // Keras 1 layer type → the library's. The notebook's Lambda(norm_input) is the library's Normalize layer.
    private static readonly Dictionary<string, string> KerasToLibraryType = new()
    {
        ["Lambda"] = "Normalize",
        ["Convolution2D"] = "Conv2D",
        ["BatchNorm"] = "BatchNormalization",
        ["MaxPooling2D"] = "MaxPooling2D",
        ["Flatten"] = "Flatten",
        ["Dense"] = "Dense",
        ["Dropout"] = "Dropout",
    };

    private static IReadOnlyList<(string Type, string Shape, long Params)> NotebookRows() =>
        NotebookSummaryTable.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => Regex.Match(line, @"^\S+ \((?<type>[A-Za-z0-9]+)\)?\s*(?<shape>\(None(, \d+)+\))\s+(?<params>\d+)$"))
            .Select(m => m.Success ? (KerasToLibraryType[m.Groups["type"].Value], m.Groups["shape"].Value, long.Parse(m.Groups["params"].Value, CultureInfo.InvariantCulture))
                                   : throw new FormatException("A row of the notebook table does not parse."))
            .ToArray();

    [Fact]
    public void Notebook_miniNet_summary_matches_the_notebooks_printed_table_row_by_row()
    {
        var expected = NotebookRows();
        expected.Should().HaveCount(16);
        expected.Sum(r => r.Params).Should().Be(NotebookTotalParams, "the table's rows add up to its printed total");

        using var model = KnownModels.NotebookMiniNet(MnistStatistics).Build(new ModelOptions { Seed = 1 });
        var summary = model.Summary();

        summary.Layers.Should().HaveCount(expected.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            var row = summary.Layers[i];
            var (type, shape, parameters) = expected[i];
            row.TypeName.Should().Be(type, $"row {i + 1} is a {type} in the notebook");
            row.OutputShape.ToString().Should().Be(shape, $"row {i + 1} ({type}) outputs {shape} in the notebook");
            row.TrainableParameters.Should().Be(parameters, $"row {i + 1} ({type}) has {parameters} trainable weights in the notebook");
        }

        summary.TrainableParameters.Should().Be(NotebookTotalParams);
        // The library also counts the moving statistics, which Keras 1.1's summary leaves out: 2 per normalised feature.
        summary.NonTrainableParameters.Should().Be(expected.Where(r => r.Type == "BatchNormalization").Sum(r => r.Params));

        // The parameters TorchSharp actually holds agree with the table.
        model.Network.parameters().Sum(p => p.numel()).Should().Be(NotebookTotalParams);

        string text = summary.ToString();
        text.Should().Contain("Trainable params: 1,683,768");
        text.Should().Contain("batch_normalization_1 (BatchNormalization)");
        text.Should().Contain("dense_2 (Dense)");
    }

    [Fact]
    public void Notebook_miniNet_uses_the_notebooks_layer_arguments()
    {
        var layers = KnownModels.NotebookMiniNet(MnistStatistics).Layers;
        var batchNorms = layers.OfType<BatchNormLayer>().ToArray();
        batchNorms.Should().HaveCount(5);
        batchNorms.Should().OnlyContain(b => b.Momentum == 0.99 && b.Epsilon == 1e-5, "Keras 1.1's BatchNormalization defaults");
        batchNorms[2].Axis.Should().Be(-1, "FlatBlock's first BatchNormalization() uses Keras 1's default axis");
        layers.OfType<DropoutLayer>().Single().Rate.Should().Be(0.4);
        layers.OfType<Conv2DLayer>().Select(c => c.Filters).Should().Equal(32, 32, 64, 64);
        layers.OfType<Conv2DLayer>().Should().OnlyContain(c => c.KernelSize == 3 && c.Padding == ConvPadding.Same && c.Activation == Activation.ReLU);
    }

    [Fact]
    public void Notebook_miniNet_is_compiled_with_Adam_at_the_notebooks_learning_rate()
    {
        using var model = KnownModels.NotebookMiniNet(MnistStatistics).Build(new ModelOptions { Seed = 1 });
        model.OptimizerOptions.Should().BeOfType<AdamOptions>();
        model.LearningRate.Should().BeApproximately(0.01, 1e-12);
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
        model.Layers.Select(l => l.Name).Should().StartWith(["normalize_1", "conv2d_1", "batch_normalization_1", "conv2d_2", "max_pooling2d_1"]);
        model.Layers.Select(l => l.Name).Should().OnlyHaveUniqueItems();
    }
}
