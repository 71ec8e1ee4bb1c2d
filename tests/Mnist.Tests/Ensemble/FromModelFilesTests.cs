using Mnist.Data;
using Mnist.Ensemble;
using Mnist.Models;

namespace Mnist.Tests.Ensemble;

/// <summary>Members trained as separate jobs, assembled afterwards from their files with the manifest's checks.</summary>
public sealed class FromModelFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mnist-members-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string SaveMember(string name, float[,] weight, float[] bias, string[]? classNames = null)
    {
        string path = Path.Combine(_dir, name);
        using var model = FixedModels.Linear(weight, bias);
        if (classNames is null)
        {
            model.Save(path);
        }
        else
        {
            using var named = model.ToBuilder().WithClassNames(classNames).Build(new ModelOptions { Seed = 1 });
            named.SetWeights(model.GetWeights());
            named.Save(path);
        }

        return path;
    }

    [Fact]
    public void Separately_saved_members_make_the_ensemble_that_the_models_themselves_make_and_it_saves_as_a_folder()
    {
        string a = SaveMember("a.mnistmodel", FixedModels.WeightA, FixedModels.BiasA), b = SaveMember("b.mnistmodel", FixedModels.WeightB, FixedModels.BiasB);
        var images = FixedModels.Images();

        using var assembled = ModelEnsemble.FromModelFiles([a, b], seed: 4);
        using var direct = ModelEnsemble.FromModels([FixedModels.Linear(FixedModels.WeightA, FixedModels.BiasA), FixedModels.Linear(FixedModels.WeightB, FixedModels.BiasB)], seed: 4);

        assembled.Count.Should().Be(2);
        assembled.Seed.Should().Be(4);
        assembled.PredictProba(images.Batches(7)).ToArray().Should().Equal(direct.PredictProba(images.Batches(7)).ToArray());
        string folder = Path.Combine(_dir, "ensemble");
        assembled.Save(folder);
        using var loaded = ModelEnsemble.Load(folder);
        loaded.PredictProba(images.Batches(7)).ToArray().Should().Equal(direct.PredictProba(images.Batches(7)).ToArray());
    }

    [Fact]
    public void Members_of_another_architecture_or_other_class_names_are_named_problems()
    {
        string a = SaveMember("a.mnistmodel", FixedModels.WeightA, FixedModels.BiasA);
        string named = SaveMember("named.mnistmodel", FixedModels.WeightB, FixedModels.BiasB, ["x", "y", "z"]);
        string other = Path.Combine(_dir, "other.mnistmodel");
        using (var wider = Sequential.Input(1, 2, 2).Flatten().Dense(5, Activation.ReLU).Dense(3, Activation.Softmax).Build(new ModelOptions { Seed = 2 })) wider.Save(other);

        var act = () => ModelEnsemble.FromModelFiles([a, other, named]);

        var problems = act.Should().Throw<EnsembleFileException>().Which.Problems;
        problems.Should().HaveCount(2);
        problems[0].Should().StartWith($"member 2 ({other}) has architecture").And.Contain("same layers and settings");
        problems[1].Should().Be($"member 3 ({named}) names its classes (x, y, z) unlike member 1 (0, 1, 2).");
    }

    [Fact]
    public void Missing_repeated_and_invalid_files_are_typed_errors()
    {
        string a = SaveMember("a.mnistmodel", FixedModels.WeightA, FixedModels.BiasA);
        string garbage = Path.Combine(_dir, "garbage.mnistmodel");
        File.WriteAllText(garbage, "not a model");

        ((Action)(() => ModelEnsemble.FromModelFiles([a, Path.Combine(_dir, "missing.mnistmodel")]))).Should().Throw<FileNotFoundException>();
        ((Action)(() => ModelEnsemble.FromModelFiles([a, a]))).Should().Throw<ArgumentException>().WithMessage("*named more than once*");
        ((Action)(() => ModelEnsemble.FromModelFiles([]))).Should().Throw<ArgumentException>();
        ((Action)(() => ModelEnsemble.FromModelFiles([a, garbage]))).Should().Throw<ModelFileException>().Where(e => e.FilePath == garbage);
        ((Action)(() => ModelEnsemble.FromModelFiles([a], options: new ModelOptions { Seed = 3 }))).Should().Throw<ArgumentException>().WithMessage("*Seed must be null*");
    }
}
