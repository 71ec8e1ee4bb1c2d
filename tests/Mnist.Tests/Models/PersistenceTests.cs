using System.IO.Compression;
using Mnist.Data;
using Mnist.Models;
using Mnist.Tests.Data;
using Mnist.Training;

namespace Mnist.Tests.Models;

public sealed class PersistenceTests : IClassFixture<MnistTrainingSetFixture>, IDisposable
{
    private readonly MnistTrainingSetFixture _mnist;
    private readonly string _dir = Directory.CreateTempSubdirectory("mnist-persist-").FullName;

    public PersistenceTests(MnistTrainingSetFixture mnist) => _mnist = mnist;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private SequentialModel TrainedTiny(int seed)
    {
        var train = _mnist.Train.Slice(0, 256);
        var model = Sequential.Input(1, 28, 28).Normalize(Normalizer.Fit(train)).Conv2D(4, 3, Activation.ReLU).BatchNorm(axis: -1).MaxPool2D().Flatten().Dense(10, Activation.Softmax)
            .Build(new ModelOptions { Seed = seed });
        model.Compile(new AdamOptions());
        model.Fit(train.Batches(64, shuffle: true, seed: seed));
        return model;
    }

    [Fact]
    public void Weights_round_trip_gives_exactly_the_same_predictions()
    {
        var test = _mnist.Test.Slice(0, 50);
        using var original = TrainedTiny(1);
        string path = Path.Combine(_dir, "tiny.weights");
        original.SaveWeights(path);

        using var other = original.ToBuilder().Build(new ModelOptions { Seed = 99 });
        other.PredictProba(test).ToArray().Should().NotBeEquivalentTo(original.PredictProba(test).ToArray());
        other.LoadWeights(path);

        other.PredictProba(test).ToArray().Should().BeEquivalentTo(original.PredictProba(test).ToArray(), o => o.WithStrictOrdering());
        TorchSharpWeightsFile.ReadEntries(File.OpenRead(path)).Select(e => e.Name).Should().Contain("conv2d_1.conv.weight");
    }

    [Fact]
    public void Whole_model_file_restores_architecture_normaliser_and_weights()
    {
        var test = _mnist.Test.Slice(0, 50);
        using var original = TrainedTiny(2);
        string path = Path.Combine(_dir, "tiny.mnistmodel");
        original.Save(path);

        using var loaded = SequentialModel.Load(path);

        loaded.Summary().ToString().Should().Be(original.Summary().ToString());
        var normalize = (Mnist.Models.NormalizeLayer)loaded.Layers[0].Layer;
        normalize.Mean.Should().Be(((Mnist.Models.NormalizeLayer)original.Layers[0].Layer).Mean);
        loaded.PredictProba(test).ToArray().Should().BeEquivalentTo(original.PredictProba(test).ToArray(), o => o.WithStrictOrdering());
    }

    [Fact]
    public void Weights_of_another_architecture_name_the_first_mismatching_tensor_and_both_shapes()
    {
        var normalizer = new Normalizer(33f, 78f);
        using var notebook = KnownModels.NotebookMiniNet(normalizer).Build(new ModelOptions { Seed = 1 });
        using var improved = KnownModels.ImprovedMiniNet(normalizer).Build(new ModelOptions { Seed = 1 });
        string path = Path.Combine(_dir, "improved.weights");
        improved.SaveWeights(path);
        var before = notebook.Network.parameters().First().data<float>().ToArray();

        notebook.Invoking(m => m.LoadWeights(path)).Should().Throw<ModelFileException>()
            .WithMessage("*improved.weights: the file lacks tensor 'batch_normalization_3.bn.weight' (7) that this model needs*another architecture*");
        notebook.Network.parameters().First().data<float>().ToArray().Should().Equal(before, "a failed load changes nothing");
    }

    [Fact]
    public void Same_names_with_other_shapes_report_both_shapes()
    {
        using var small = Sequential.Input(1, 8, 8).Flatten().Dense(4, name: "head").Build();
        using var large = Sequential.Input(1, 8, 8).Flatten().Dense(5, name: "head").Build();
        string path = Path.Combine(_dir, "small.weights");
        small.SaveWeights(path);
        large.Invoking(m => m.LoadWeights(path)).Should().Throw<ModelFileException>()
            .WithMessage("*tensor 'head.weight' has shape (4, 64) in the file but (5, 64) in this model*");
    }

    [Fact]
    public void Corrupt_and_truncated_files_give_ModelFileException()
    {
        using var model = TrainedTiny(3);
        string path = Path.Combine(_dir, "m.weights");
        model.SaveWeights(path);
        byte[] good = File.ReadAllBytes(path);
        var random = new Random(5);
        for (int trial = 0; trial < 60; trial++)
        {
            byte[] bad = trial % 2 == 0 ? good.AsSpan(0, random.Next(good.Length)).ToArray() : Mutate(good, random);
            string badPath = Path.Combine(_dir, $"bad{trial}.weights");
            File.WriteAllBytes(badPath, bad);
            try
            {
                model.LoadWeights(badPath);
            }
            catch (ModelFileException)
            {
            }
        }

        File.WriteAllBytes(Path.Combine(_dir, "junk.mnistmodel"), [1, 2, 3]);
        var act = () => SequentialModel.Load(Path.Combine(_dir, "junk.mnistmodel"));
        act.Should().Throw<ModelFileException>().WithMessage("*corrupt*");
    }

    [Fact]
    public void A_failed_save_leaves_the_previous_file_intact()
    {
        using var good = TrainedTiny(4);
        string path = Path.Combine(_dir, "keep.mnistmodel");
        good.Save(path);
        byte[] saved = File.ReadAllBytes(path);

        using var withLambda = Sequential.Input(1, 28, 28).Lambda(t => t.div(255)).Flatten().Dense(10).Build();
        withLambda.Invoking(m => m.Save(path)).Should().Throw<NotSupportedException>().WithMessage("*Lambda*SaveWeights*");

        File.ReadAllBytes(path).Should().Equal(saved);
        Directory.GetFiles(_dir).Should().ContainSingle(f => f.EndsWith("keep.mnistmodel", StringComparison.Ordinal)).And.HaveCount(1, "no temporary file is left");
    }

    [Fact]
    public void Model_files_of_another_version_are_refused_by_name()
    {
        using var model = TrainedTiny(5);
        string path = Path.Combine(_dir, "v.mnistmodel");
        model.Save(path);
        RewriteModelJson(path, json => json.Replace("\"formatVersion\": 1", "\"formatVersion\": 7", StringComparison.Ordinal));

        var act = () => SequentialModel.Load(path);
        act.Should().Throw<ModelFileException>().WithMessage("*format version 7 is not supported*");
    }

    [Theory]
    [InlineData("\"formatVersion\": 1", "\"formatVersion\": \"one\"")]
    [InlineData("\"inputShape\": [", "\"inputShape\": [0, ")]
    [InlineData("\"epochsTrained\": 1", "\"epochsTrained\": -3")]
    public void Invalid_values_in_model_json_give_ModelFileException(string find, string replace)
    {
        using var model = TrainedTiny(6);
        string path = Path.Combine(_dir, "bad-json.mnistmodel");
        model.Save(path);
        RewriteModelJson(path, json =>
        {
            json.Should().Contain(find);
            return json.Replace(find, replace, StringComparison.Ordinal);
        });

        var act = () => SequentialModel.Load(path);
        act.Should().Throw<ModelFileException>().Which.Path.Should().Be(path);
    }

    [Fact]
    public void The_number_of_epochs_trained_survives_save_and_load_so_training_continues_the_shuffle_sequence()
    {
        using var model = TrainedTiny(7);
        model.EpochsTrained.Should().Be(1);
        string path = Path.Combine(_dir, "epochs.mnistmodel");
        model.Save(path);
        using var loaded = SequentialModel.Load(path);
        loaded.EpochsTrained.Should().Be(1);
    }

    /// <summary>Replaces the model.json entry of a whole-model file with <paramref name="edit"/> of its text.</summary>
    private static void RewriteModelJson(string path, Func<string, string> edit)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        var entry = zip.GetEntry("model.json")!;
        string json;
        using (var reader = new StreamReader(entry.Open())) json = reader.ReadToEnd();
        entry.Delete();
        using var writer = new StreamWriter(zip.CreateEntry("model.json").Open());
        writer.Write(edit(json));
    }

    private static byte[] Mutate(byte[] good, Random random)
    {
        var copy = (byte[])good.Clone();
        for (int k = 0; k < 4; k++) copy[random.Next(Math.Min(copy.Length, 200))] = (byte)random.Next(256);
        return copy;
    }
}
