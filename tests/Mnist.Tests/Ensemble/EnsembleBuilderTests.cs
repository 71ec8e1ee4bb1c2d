using Mnist.Data;
using Mnist.Models;
using Mnist.Training;

namespace Mnist.Tests.Ensemble;

using Mnist.Ensemble;

public sealed class EnsembleBuilderTests
{
    private static readonly Normalizer Normalizer = new(33.3f, 78.6f);

    [Fact]
    public void Every_option_reaches_the_members_including_the_compute_precision()
    {
        var options = new EnsembleOptions { MemberCount = 2, Seed = 4, Member = new ModelOptions { Precision = ComputePrecision.BFloat16 } };
        using var ensemble = Sequential.Input(1, 8, 8).Flatten().Dense(3).ToEnsemble(options).Build();
        ensemble.Members.Should().OnlyContain(m => m.Model.Precision == ComputePrecision.BFloat16);
        ensemble.Members.Select(m => m.Model.Options.Seed).Should().Equal(ModelEnsemble.MemberSeed(4, 0), ModelEnsemble.MemberSeed(4, 1));
    }

    [Fact]
    public void ToEnsemble_builds_compiled_members_with_distinct_derived_seeds_and_weights()
    {
        using var ensemble = SmallNets.Conv(Normalizer).ToEnsemble(members: 3, seed: 7).Build();

        ensemble.Count.Should().Be(3);
        ensemble.Seed.Should().Be(7);
        ensemble.Members.Select(m => m.Seed).Should().Equal(Enumerable.Range(0, 3).Select(i => ModelEnsemble.MemberSeed(7, i)));
        ensemble.Members.Select(m => m.Seed).Should().OnlyHaveUniqueItems();
        ensemble.Members.Should().AllSatisfy(m =>
        {
            m.Model.Options.Seed.Should().Be(m.Seed);
            m.Model.OptimizerOptions.Should().BeOfType<AdamOptions>().Which.LearningRate.Should().Be(0.001);
            m.IsTrained.Should().BeFalse();
        });
        ensemble.InputShape.Should().Be(new TensorShape(1, 28, 28));
        ensemble.ClassCount.Should().Be(10);

        var kernels = ensemble.Members.Select(m => m.Model.Network.state_dict().First(kv => kv.Key.EndsWith("weight", StringComparison.Ordinal)).Value.data<float>().ToArray()).ToList();
        kernels[0].Should().NotEqual(kernels[1]);
        kernels[1].Should().NotEqual(kernels[2]);
    }

    [Fact]
    public void Members_of_the_notebook_preset_train_at_the_notebooks_learning_rate_by_default()
    {
        using var ensemble = KnownModels.NotebookMiniNet(Normalizer).ToEnsemble(members: 2, seed: 1).Build();
        ensemble.Members.Should().AllSatisfy(m =>
        {
            m.Model.OptimizerOptions.Should().BeOfType<AdamOptions>().Which.LearningRate.Should().Be(KnownModels.NotebookLearningRate);
            m.Model.LearningRate.Should().BeApproximately(0.01, 1e-12);
        });
        ensemble.Members[0].Model.OptimizerOptions.Should().NotBeSameAs(ensemble.Members[1].Model.OptimizerOptions, "each member compiles its own copy");
    }

    [Fact]
    public void An_explicit_optimizer_factory_replaces_the_presets_optimiser_and_uncompiled_members_get_adam_defaults()
    {
        using (var ensemble = KnownModels.NotebookMiniNet(Normalizer).ToEnsemble(members: 2, seed: 1).WithOptimizer(() => new SgdOptions { LearningRate = 0.05 }).Build())
            ensemble.Members.Should().OnlyContain(m => m.Model.OptimizerOptions is SgdOptions && m.Model.LearningRate == 0.05);

        using var plain = Sequential.Input(1, 8, 8).Flatten().Dense(3).ToEnsemble(members: 1).Build();
        plain.Members[0].Model.OptimizerOptions.Should().BeOfType<AdamOptions>().Which.LearningRate.Should().Be(0.001);
    }

    [Fact]
    public void A_builder_compiles_each_model_with_its_own_copy_of_the_optimiser()
    {
        var optimizer = new AdamOptions { LearningRate = 0.02 };
        var builder = Sequential.Input(1, 8, 8).Flatten().Dense(3).Compile(optimizer);
        optimizer.LearningRate = 0.5; // later changes to the caller's object do not reach the builder
        using var first = builder.Build();
        using var second = builder.Clone().Build();
        first.LearningRate.Should().BeApproximately(0.02, 1e-12);
        second.LearningRate.Should().BeApproximately(0.02, 1e-12);
        first.OptimizerOptions.Should().NotBeSameAs(second.OptimizerOptions);
        using var uncompiled = Sequential.Input(1, 8, 8).Flatten().Dense(3).Build();
        uncompiled.OptimizerOptions.Should().BeNull("an uncompiled builder builds uncompiled models");
        FluentActions.Invoking(() => builder.Compile(new AdamOptions { LearningRate = double.NaN })).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void The_same_seed_rebuilds_the_same_members()
    {
        var builder = SmallNets.Conv(Normalizer).ToEnsemble(members: 2, seed: 3);
        using var first = builder.Build();
        using var second = builder.Build();

        for (int i = 0; i < 2; i++)
        {
            var a = first.Members[i].Model.Network.state_dict();
            var b = second.Members[i].Model.Network.state_dict();
            foreach (var (name, tensor) in a) tensor.to(TorchSharp.torch.ScalarType.Float64).data<double>().ToArray().Should().Equal(b[name].to(TorchSharp.torch.ScalarType.Float64).data<double>().ToArray(), name);
        }
    }

    [Fact]
    public void A_model_factory_receives_each_index_and_seed_and_options_apply()
    {
        var calls = new List<(int, int)>();
        var builder = new EnsembleBuilder((i, seed) =>
            {
                calls.Add((i, seed));
                return SmallNets.Linear(Normalizer).Build(new ModelOptions { Seed = seed });
            })
            .WithMembers(2)
            .WithSeed(11)
            .WithWeights(1, 3)
            .WithOptimizer(() => new SgdOptions { LearningRate = 0.05 });

        using var ensemble = builder.Build();

        calls.Should().Equal((0, ModelEnsemble.MemberSeed(11, 0)), (1, ModelEnsemble.MemberSeed(11, 1)));
        ensemble.Combination.Should().Be(EnsembleCombination.WeightedMean);
        ensemble.Weights.Should().Equal(1.0, 3.0);
        ensemble.Members.Should().AllSatisfy(m => m.Model.OptimizerOptions.Should().BeOfType<SgdOptions>());
    }

    [Fact]
    public void Invalid_options_and_factories_fail_clearly()
    {
        var act = () => SmallNets.Linear(Normalizer).ToEnsemble(members: 0).Build();
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*MemberCount*");
        act = () => SmallNets.Linear(Normalizer).ToEnsemble(members: 2).WithWeights(1, 2, 3).Build();
        act.Should().Throw<ArgumentException>().WithMessage("*3 weights*2 members*");
        act = () => new EnsembleBuilder((_, _) => null!).Build();
        act.Should().Throw<ArgumentException>().WithMessage("*returned null for member 1*");

        int built = 0;
        act = () => new EnsembleBuilder((i, seed) =>
        {
            built++;
            return i == 0
                ? SmallNets.Linear(Normalizer).Build(new ModelOptions { Seed = seed })
                : Sequential.Input(1, 14, 14).Flatten().Dense(10).Build();
        }).Build();
        act.Should().Throw<ArgumentException>().WithMessage("*input shape (None, 1, 14, 14)*(None, 1, 28, 28)*");
        built.Should().Be(2);
    }

    [Fact]
    public void The_builder_copies_the_architecture()
    {
        var architecture = SmallNets.Linear(Normalizer);
        var ensembleBuilder = architecture.ToEnsemble(members: 1);
        architecture.Dense(5);

        using var ensemble = ensembleBuilder.Build();

        ensemble.ClassCount.Should().Be(10);
        ensemble.ToString().Should().Be("Ensemble of 1 member (0 trained), (None, 1, 28, 28) → (None, 10), ArithmeticMean");
    }
}
