using Mnist.Augmentation;
using Mnist.Data;
using Mnist.Ensemble;
using Mnist.Models;
using Mnist.Tests.Infrastructure;
using Mnist.Training;
using TorchSharp;

namespace Mnist.Tests.Options;

/// <summary>
/// The one seed policy (docs/models-and-training.md, "Seeds and reproducibility"): a given seed is deterministic; no seed
/// means a fresh seed drawn once when the object is created, recorded and reported, so passing it back reproduces the
/// run; derived seeds (members, epochs, samples) come from the recorded one.
/// </summary>
public sealed class SeedPolicyTests
{
    private static readonly MnistDataset Train = TestDigits.First(256);
    private static readonly Normalizer Normalizer = Normalizer.Fit(Train);

    /// <summary>Dropout makes every epoch draw from the model's per-epoch seed.</summary>
    private static SequentialBuilder Net() =>
        Sequential.Input(1, 28, 28).Normalize(Normalizer).Flatten().Dense(16, Activation.ReLU).Dropout(0.5).Dense(10, Activation.Softmax)
            .Compile(new AdamOptions { LearningRate = 0.01 });

    private static Dictionary<string, float[]> Weights(SequentialModel model) =>
        model.Network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.to(torch.ScalarType.Float32).data<float>().ToArray());

    private static void ShouldBeIdentical(Dictionary<string, float[]> a, Dictionary<string, float[]> b, string because)
    {
        a.Keys.Should().BeEquivalentTo(b.Keys);
        foreach (var (name, values) in a) values.Should().Equal(b[name], $"{name}: {because}");
    }

    [Fact]
    public void The_same_seed_gives_identical_weights_after_building_and_after_training()
    {
        using var first = Net().Build(new ModelOptions { Seed = 5 });
        using var second = Net().Build(new ModelOptions { Seed = 5 });
        first.Seed.Should().Be(5);
        var initial = Weights(first);
        ShouldBeIdentical(initial, Weights(second), "the same seed gives the same initial weights");

        first.Fit(Train);  // shuffled with the model seed, dropout seeded per epoch from it
        second.Fit(Train);
        ShouldBeIdentical(Weights(first), Weights(second), "the same seed gives the same dropout and order");

        using var other = Net().Build(new ModelOptions { Seed = 6 });
        string kernel = initial.Keys.First(k => k.EndsWith("weight", StringComparison.Ordinal));
        Weights(other)[kernel].Should().NotEqual(initial[kernel], "another seed gives other weights");
    }

    [Fact]
    public void An_unseeded_model_reports_the_seed_it_drew_and_that_seed_reproduces_the_run()
    {
        var seeds = new HashSet<int>();
        for (int i = 0; i < 4; i++)
        {
            using var probe = Net().Build();
            seeds.Add(probe.Seed);
        }

        seeds.Should().HaveCountGreaterThan(1, "every unseeded build draws a fresh seed");

        using var unseeded = Net().Build();
        unseeded.Options.Seed.Should().Be(unseeded.Seed, "the options a model reports carry the seed actually used");
        using var again = Net().Build(new ModelOptions { Seed = unseeded.Seed });
        using var fromOptions = Net().Build(unseeded.Options);
        ShouldBeIdentical(Weights(unseeded), Weights(again), "the reported seed rebuilds the same weights");
        ShouldBeIdentical(Weights(unseeded), Weights(fromOptions), "model.Options rebuilds the same weights");

        unseeded.Fit(Train, new FitOptions { Epochs = 2 });
        again.Fit(Train, new FitOptions { Epochs = 2 });
        ShouldBeIdentical(Weights(unseeded), Weights(again), "the reported seed reproduces shuffling and dropout too");
    }

    [Fact]
    public void An_unseeded_ensemble_reports_its_seed_members_derive_distinct_seeds_and_the_seed_rebuilds_it()
    {
        var builder = Net().ToEnsemble(members: 3);
        using var first = builder.Build();
        first.Members.Select(m => m.Seed).Should().OnlyHaveUniqueItems("members derive distinct seeds");
        first.Members.Select(m => m.Seed).Should().Equal(Enumerable.Range(0, 3).Select(i => ModelEnsemble.MemberSeed(first.Seed, i)));
        first.Members.Should().OnlyContain(m => m.Model.Seed == m.Seed, "each member model is built with its member seed");

        using var rebuilt = Net().ToEnsemble(members: 3, seed: first.Seed).Build();
        rebuilt.Seed.Should().Be(first.Seed);
        for (int i = 0; i < 3; i++) ShouldBeIdentical(Weights(first.Members[i].Model), Weights(rebuilt.Members[i].Model), $"member {i + 1} rebuilt from the reported seed");

        var seeds = Enumerable.Range(0, 4).Select(_ =>
        {
            using var probe = Sequential.Input(1, 4, 4).Flatten().Dense(2).ToEnsemble(members: 1).Build();
            return probe.Seed;
        }).ToHashSet();
        seeds.Should().HaveCountGreaterThan(1, "every unseeded Build draws a fresh ensemble seed");
    }

    [Fact]
    public void FromModels_without_a_seed_draws_and_reports_one()
    {
        using var ensemble = ModelEnsemble.FromModels([Net().Build(new ModelOptions { Seed = 1 }), Net().Build(new ModelOptions { Seed = 2 })]);
        ensemble.Members.Select(m => m.Seed).Should().Equal(ModelEnsemble.MemberSeed(ensemble.Seed, 0), ModelEnsemble.MemberSeed(ensemble.Seed, 1));
        using var seeded = ModelEnsemble.FromModels([Net().Build(new ModelOptions { Seed = 1 })], seed: 9);
        seeded.Seed.Should().Be(9);
    }

    [Fact]
    public void Unseeded_batch_sources_report_their_seed_and_it_repeats_the_order()
    {
        static long[] Labels(IBatchSource source, int epoch) =>
            source.GetBatches(epoch).SelectMany(b => { using (b) return b.Labels.data<long>().ToArray(); }).ToArray();

        var plain = Train.Batches(32, shuffle: true);
        Labels(Train.Batches(32, shuffle: true, seed: plain.Seed), 1).Should().Equal(Labels(plain, 1));
        Enumerable.Range(0, 8).Select(_ => Train.Batches(32, shuffle: true).Seed).Distinct().Should().HaveCountGreaterThan(1);

        var augmented = Train.Slice(0, 64).Augment(KnownAugmentations.KerasNotebookModern);
        var flow = augmented.Flow(32);
        static float[] Pixels(IBatchSource source) =>
            source.GetBatches(0).SelectMany(b => { using (b) return b.Images.data<float>().ToArray(); }).ToArray();
        Pixels(augmented.Flow(32, seed: flow.Seed)).Should().Equal(Pixels(flow), "the reported seed repeats the augmentation");
        Pixels(augmented.Flow(32, seed: 3)).Should().Equal(Pixels(augmented.Flow(32, seed: 3)), "the same seed gives identical augmentations");
        Pixels(augmented.Flow(32, seed: 4)).Should().NotEqual(Pixels(augmented.Flow(32, seed: 3)));
    }
}
