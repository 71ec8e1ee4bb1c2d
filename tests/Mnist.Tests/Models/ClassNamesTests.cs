using Mnist.Ensemble;
using Mnist.Models;

namespace Mnist.Tests.Models;

/// <summary>Class names: defaults, validation against the output, whole-model files and ensembles.</summary>
public sealed class ClassNamesTests : IDisposable
{
    private static readonly string[] Fashion = ["T-shirt/top", "Trouser", "Pullover"];

    private readonly string _dir = Directory.CreateTempSubdirectory("mnist-classnames-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static SequentialBuilder Net() => Sequential.Input(1, 2, 2).Flatten().Dense(3, Activation.Softmax);

    [Fact]
    public void Without_names_a_model_calls_its_classes_by_their_index()
    {
        using var model = Net().Build(new ModelOptions { Seed = 1 });

        model.ClassNames.Should().Equal("0", "1", "2");
        ((IClassifier)model).ClassNames.Should().HaveCount(model.ClassCount);
    }

    [Fact]
    public void Given_names_are_kept_by_the_model_its_builder_copy_and_its_file()
    {
        string path = Path.Combine(_dir, "named.mnistmodel");
        using (var model = Net().WithClassNames(Fashion).Build(new ModelOptions { Seed = 1 }))
        {
            model.ClassNames.Should().Equal(Fashion);
            model.ToBuilder().ClassNames.Should().Equal(Fashion);
            model.Save(path);
        }

        using var loaded = SequentialModel.Load(path);
        loaded.ClassNames.Should().Equal(Fashion);
        System.Text.Encoding.UTF8.GetString(ModelFileEditing.ReadEntry(path, "model.json")).Should().Contain("\"T-shirt/top\"");
    }

    [Fact]
    public void A_name_count_that_differs_from_the_output_is_a_build_error_naming_both()
    {
        var act = () => Net().WithClassNames(["a", "b"]).Build();

        act.Should().Throw<ModelBuildException>().WithMessage("2 class names were given*outputs (None, 3)*");
    }

    [Theory]
    [InlineData(new[] { "a", "" }, "Class name 1 is empty.")]
    [InlineData(new[] { "a", "a" }, "Class name 'a' is repeated*")]
    [InlineData(new[] { "a", "b\n" }, "Class name 1 holds a control character.")]
    public void Invalid_names_are_refused_when_given(string[] names, string message)
    {
        var act = () => Net().WithClassNames(names);

        act.Should().Throw<ArgumentException>().WithMessage(message + "*");
    }

    [Fact]
    public void A_file_with_invalid_or_mistyped_names_is_a_model_file_error_naming_the_file()
    {
        string path = Path.Combine(_dir, "bad.mnistmodel");
        using (var model = Net().Build(new ModelOptions { Seed = 1 })) model.Save(path);

        foreach (var (replacement, message) in new[]
                 {
                     ("[\"0\", \"0\", \"2\"]", "*classNames is invalid: Class name '0' is repeated*"),
                     ("[1, 2, 3]", "*'classNames'*"),
                     ("\"0,1,2\"", "*classNames is not an array of strings*"),
                     ("[\"a\", \"b\"]", "*2 class names were given*"),
                 })
        {
            string edited = Path.Combine(_dir, "edited.mnistmodel");
            File.Copy(path, edited, overwrite: true);
            ModelFileEditing.RewriteModelJson(edited, json => System.Text.RegularExpressions.Regex.Replace(json, "\"classNames\":\\s*\\[[^\\]]*\\]", "\"classNames\": " + replacement));

            var act = () => SequentialModel.Load(edited);

            act.Should().Throw<ModelFileException>().Where(e => e.FilePath == edited).WithMessage(message);
        }
    }

    [Fact]
    public void An_ensemble_reports_its_members_names_and_refuses_a_member_that_names_them_otherwise()
    {
        using var ensemble = ModelEnsemble.FromModels([Net().WithClassNames(Fashion).Build(new ModelOptions { Seed = 1 }), Net().WithClassNames(Fashion).Build(new ModelOptions { Seed = 2 })]);
        ensemble.ClassNames.Should().Equal(Fashion);

        var act = () => ModelEnsemble.FromModels([Net().WithClassNames(Fashion).Build(new ModelOptions { Seed = 1 }), Net().Build(new ModelOptions { Seed = 2 })]);

        act.Should().Throw<ArgumentException>().WithMessage("*class names (0, 1, 2) differ from the ensemble's (T-shirt/top, Trouser, Pullover)*");
    }
}
