using Mnist.Data;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Mnist.Models;
using Mnist.Tests.Data;
using Mnist.Tests.Models;
using Mnist.Training;

namespace Mnist.Tests.Ensemble;

using Mnist.Ensemble;

public sealed class EnsemblePersistenceTests : IClassFixture<MnistTrainingSetFixture>, IDisposable
{
    private readonly MnistDataset _train;
    private readonly MnistDataset _test;
    private readonly Normalizer _normalizer;
    private readonly TempDirectory _temp = new();

    public EnsemblePersistenceTests(MnistTrainingSetFixture fixture)
    {
        _train = fixture.Train.Slice(0, 500);
        _test = fixture.Test.Slice(0, 300);
        _normalizer = Normalizer.Fit(_train);
    }

    public void Dispose() => _temp.Dispose();

    private ModelEnsemble TrainedEnsemble(int members = 2)
    {
        var ensemble = SmallNets.Conv(_normalizer).ToEnsemble(members, seed: 4).Build();
        ensemble.Fit((_, seed) => _train.Batches(100, shuffle: true, seed: seed));
        return ensemble;
    }

    [Fact]
    public void Save_then_load_gives_identical_predictions_weights_combination_and_state()
    {
        string folder = _temp.Combine("ensemble");
        using var original = TrainedEnsemble();
        original.SetWeights([2.0, 1.0]);
        original.Save(folder);

        using var loaded = ModelEnsemble.Load(folder);

        loaded.Count.Should().Be(2);
        loaded.Seed.Should().Be(4);
        loaded.Combination.Should().Be(EnsembleCombination.WeightedMean);
        loaded.Weights.Should().Equal(2.0, 1.0);
        loaded.Members.Select(m => m.IsTrained).Should().Equal(true, true);
        loaded.Members.Select(m => m.Seed).Should().Equal(original.Members.Select(m => m.Seed));
        var before = original.PredictProba(_test);
        var after = loaded.PredictProba(_test);
        after.ToArray().Should().BeEquivalentTo(before.ToArray());
        for (int k = 0; k < 2; k++)
        {
            var memberBefore = original.Members[k].Model.PredictProba(_test);
            loaded.Members[k].Model.PredictProba(_test).ToArray().Should().BeEquivalentTo(memberBefore.ToArray());
        }

        Directory.GetFileSystemEntries(_temp.Path).Select(Path.GetFileName).Should().Equal("ensemble");
        Directory.GetFiles(folder).Select(Path.GetFileName).Order().Should().Equal("ensemble.json", "member-1.mnistmodel", "member-2.mnistmodel");
    }

    [Fact]
    public void The_manifest_records_version_members_hashes_architecture_and_normaliser()
    {
        string folder = _temp.Combine("ensemble");
        using var ensemble = SmallNets.Conv(_normalizer).ToEnsemble(members: 2, seed: 9).Build();
        ensemble.Save(folder);

        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "ensemble.json")))!.AsObject();

        json["format"]!.GetValue<string>().Should().Be("mnist-ensemble");
        json["formatVersion"]!.GetValue<int>().Should().Be(1);
        json["memberCount"]!.GetValue<int>().Should().Be(2);
        json["combination"]!.GetValue<string>().Should().Be("ArithmeticMean");
        json["inputShape"]!.AsArray().Select(n => n!.GetValue<int>()).Should().Equal(1, 28, 28);
        json["outputShape"]!.AsArray().Select(n => n!.GetValue<int>()).Should().Equal(10);
        json["sharedArchitecture"]!.GetValue<bool>().Should().BeTrue();
        json["architecture"]!["layers"]!.AsArray().Should().HaveCount(6);
        json["normalizer"]!["mean"]!.GetValue<float>().Should().Be(_normalizer.Mean);
        json["normalizer"]!["standardDeviation"]!.GetValue<float>().Should().Be(_normalizer.StandardDeviation);
        var members = json["members"]!.AsArray();
        members.Select(m => m!["file"]!.GetValue<string>()).Should().Equal("member-1.mnistmodel", "member-2.mnistmodel");
        foreach (var member in members)
        {
            byte[] bytes = File.ReadAllBytes(Path.Combine(folder, member!["file"]!.GetValue<string>()));
            member["sha256"]!.GetValue<string>().Should().Be(Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant());
            member["architectureSha256"]!.GetValue<string>().Should().Be(json["architecture"]!["sha256"]!.GetValue<string>());
            member["trained"]!.GetValue<bool>().Should().BeFalse();
        }
    }

    [Fact]
    public void Loading_names_every_missing_or_altered_member_file()
    {
        string folder = _temp.Combine("ensemble");
        using (var ensemble = SmallNets.Linear(_normalizer).ToEnsemble(members: 3).Build()) ensemble.Save(folder);
        File.Delete(Path.Combine(folder, "member-1.mnistmodel"));
        File.Delete(Path.Combine(folder, "member-3.mnistmodel"));
        var bytes = File.ReadAllBytes(Path.Combine(folder, "member-2.mnistmodel"));
        bytes[^10] ^= 0xFF;
        File.WriteAllBytes(Path.Combine(folder, "member-2.mnistmodel"), bytes);

        var ex = FluentActions.Invoking(() => ModelEnsemble.Load(folder)).Should().Throw<EnsembleFileException>().Which;

        ex.Problems.Should().HaveCount(3);
        ex.Problems[0].Should().Be("member-1.mnistmodel (member 1) is missing.");
        ex.Problems[1].Should().StartWith("member-2.mnistmodel (member 2) has SHA-256").And.Contain("changed or replaced");
        ex.Problems[2].Should().Be("member-3.mnistmodel (member 3) is missing.");
        ex.Path.Should().Be(Path.GetFullPath(folder));
    }

    [Fact]
    public void Loading_refuses_a_member_of_another_architecture_even_with_a_matching_hash()
    {
        string folder = _temp.Combine("ensemble");
        using (var ensemble = SmallNets.Linear(_normalizer).ToEnsemble(members: 2).Build()) ensemble.Save(folder);
        string member2 = Path.Combine(folder, "member-2.mnistmodel");
        using (var other = SmallNets.Conv(_normalizer).Build()) other.Save(member2);
        var manifestPath = Path.Combine(folder, "ensemble.json");
        var json = JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
        json["members"]![1]!["sha256"] = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(member2))).ToLowerInvariant();
        File.WriteAllText(manifestPath, json.ToJsonString());

        var ex = FluentActions.Invoking(() => ModelEnsemble.Load(folder)).Should().Throw<EnsembleFileException>().Which;

        ex.Problems.Should().ContainSingle().Which.Should().StartWith("member-2.mnistmodel (member 2) has architecture");
    }

    [Fact]
    public void Loading_checks_the_manifest()
    {
        string folder = _temp.Combine("ensemble");
        var missing = FluentActions.Invoking(() => ModelEnsemble.Load(folder)).Should().Throw<EnsembleFileException>().Which;
        missing.Message.Should().Contain("does not exist");

        using (var ensemble = SmallNets.Linear(_normalizer).ToEnsemble(members: 2).Build()) ensemble.Save(folder);
        var manifestPath = Path.Combine(folder, "ensemble.json");
        string good = File.ReadAllText(manifestPath);

        File.WriteAllText(manifestPath, good.Replace("\"formatVersion\": 1", "\"formatVersion\": 7"));
        FluentActions.Invoking(() => ModelEnsemble.Load(folder)).Should().Throw<EnsembleFileException>().WithMessage("*format version 7*reads version 1*");

        File.WriteAllText(manifestPath, good.Replace("\"memberCount\": 2", "\"memberCount\": 3").Replace("\"ArithmeticMean\"", "\"Median\""));
        var ex = FluentActions.Invoking(() => ModelEnsemble.Load(folder)).Should().Throw<EnsembleFileException>().Which;
        ex.Problems.Should().HaveCount(2);
        ex.Problems.Should().Contain(p => p.Contains("unknown combination 'Median'")).And.Contain(p => p.Contains("memberCount 3 but lists 2"));

        File.WriteAllText(manifestPath, good.Replace("member-2.mnistmodel", "../member-2.mnistmodel"));
        FluentActions.Invoking(() => ModelEnsemble.Load(folder)).Should().Throw<EnsembleFileException>().WithMessage("*not a plain file name*");

        File.WriteAllText(manifestPath, "{ not json");
        FluentActions.Invoking(() => ModelEnsemble.Load(folder)).Should().Throw<EnsembleFileException>().WithMessage("*not valid JSON*");

        File.Delete(manifestPath);
        FluentActions.Invoking(() => ModelEnsemble.Load(folder)).Should().Throw<EnsembleFileException>().WithMessage("*ensemble.json is missing*");
    }

    [Fact]
    public void A_failed_save_leaves_the_existing_ensemble_folder_intact()
    {
        string folder = _temp.Combine("ensemble");
        using (var ensemble = SmallNets.Linear(_normalizer).ToEnsemble(members: 2).Build()) ensemble.Save(folder);
        var before = Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

        // A Lambda layer holds code: Core's whole-model Save refuses it after member 1 was already written.
        using var withLambda = ModelEnsemble.FromModels([
            SmallNets.Linear(_normalizer).Build(),
            Sequential.Input(1, 28, 28).Lambda(x => x / 255f).Flatten().Dense(10).Build(),
        ]);
        FluentActions.Invoking(() => withLambda.Save(folder)).Should().Throw<NotSupportedException>();

        Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes).Should().BeEquivalentTo(before);
        Directory.GetFileSystemEntries(_temp.Path).Select(Path.GetFileName).Should().Equal("ensemble");
        using var loaded = ModelEnsemble.Load(folder);
        loaded.Count.Should().Be(2);
    }

    [Fact]
    public void Saving_replaces_an_ensemble_folder_but_not_another_folder()
    {
        string folder = _temp.Combine("ensemble");
        using (var three = SmallNets.Linear(_normalizer).ToEnsemble(members: 3).Build()) three.Save(folder);
        using (var one = SmallNets.Linear(_normalizer).ToEnsemble(members: 1).Build()) one.Save(folder);

        Directory.GetFiles(folder).Select(Path.GetFileName).Order().Should().Equal("ensemble.json", "member-1.mnistmodel");
        using (var loaded = ModelEnsemble.Load(folder, optimizerFactory: () => new AdamOptions()))
        {
            loaded.Count.Should().Be(1);
            loaded.Members[0].Model.OptimizerOptions.Should().BeOfType<AdamOptions>();
        }

        string other = _temp.Combine("photos");
        Directory.CreateDirectory(other);
        File.WriteAllText(Path.Combine(other, "holiday.txt"), "keep me");
        using var ensemble = SmallNets.Linear(_normalizer).ToEnsemble(members: 1).Build();
        FluentActions.Invoking(() => ensemble.Save(other)).Should().Throw<EnsembleFileException>().WithMessage("*not an ensemble folder*");
        File.ReadAllText(Path.Combine(other, "holiday.txt")).Should().Be("keep me");
    }

    [Fact]
    public void Members_loaded_from_model_files_can_be_combined_and_saved()
    {
        string a = _temp.Combine("a.mnistmodel"), b = _temp.Combine("b.mnistmodel");
        using (var m = SmallNets.Linear(_normalizer).Build(new ModelOptions { Seed = 1 })) m.Save(a);
        using (var m = SmallNets.Conv(_normalizer).Build(new ModelOptions { Seed = 2 })) m.Save(b);

        using var ensemble = ModelEnsemble.FromModels([SequentialModel.Load(a), SequentialModel.Load(b)], seed: 3);
        ensemble.Save(_temp.Combine("mixed"));
        using var loaded = ModelEnsemble.Load(_temp.Combine("mixed"));

        var json = JsonNode.Parse(File.ReadAllText(_temp.Combine("mixed", "ensemble.json")))!;
        json["sharedArchitecture"]!.GetValue<bool>().Should().BeFalse();
        loaded.Members.Select(m => m.Model.Layers.Count).Should().Equal(3, 6);
        loaded.PredictProba(_test).ToArray().Should().BeEquivalentTo(ensemble.PredictProba(_test).ToArray());
    }

    [Fact]
    public void Saving_removes_the_leftovers_of_crashed_saves_of_that_folder_and_nothing_else()
    {
        string folder = _temp.Combine("ensemble");
        using var ensemble = SmallNets.Linear(_normalizer).ToEnsemble(members: 1).Build();
        ensemble.Save(folder);
        // What a save killed between writing and swapping leaves behind, and look-alikes that are not ours.
        string[] leftovers = [$".ensemble.saving-{Guid.NewGuid():N}", $".ensemble.old-{Guid.NewGuid():N}"];
        string[] keep =
        [
            ".ensemble.saving-mine", $".ensemble.saving-{Guid.NewGuid():N}x", $".ensemble.old-{Guid.NewGuid().ToString("N").ToUpperInvariant()}",
            $".other.saving-{Guid.NewGuid():N}", $"ensemble.old-{Guid.NewGuid():N}", "photos",
        ];
        foreach (var name in leftovers.Concat(keep))
        {
            Directory.CreateDirectory(_temp.Combine(name));
            File.WriteAllText(_temp.Combine(name, "member-1.mnistmodel"), "partial");
        }

        File.WriteAllText(_temp.Combine($".ensemble.saving-{Guid.NewGuid():N}.txt"), "a file, not a folder");

        ensemble.Save(folder);

        var entries = Directory.GetFileSystemEntries(_temp.Path).Select(Path.GetFileName).ToList();
        entries.Should().NotContain(leftovers);
        entries.Should().Contain(keep).And.Contain("ensemble").And.HaveCount(keep.Length + 2, "the look-alike file stays too");
        File.ReadAllText(_temp.Combine("photos", "member-1.mnistmodel")).Should().Be("partial");
        using var loaded = ModelEnsemble.Load(folder);
        loaded.Count.Should().Be(1);
    }

    [Fact]
    public void A_failed_save_keeps_the_leftovers_of_an_earlier_crash()
    {
        string folder = _temp.Combine("ensemble");
        string previous = _temp.Combine($".ensemble.old-{Guid.NewGuid():N}");
        Directory.CreateDirectory(previous);
        File.WriteAllText(Path.Combine(previous, "ensemble.json"), "{}");
        using var withLambda = ModelEnsemble.FromModels([Sequential.Input(1, 28, 28).Lambda(x => x / 255f).Flatten().Dense(10).Build()]);

        FluentActions.Invoking(() => withLambda.Save(folder)).Should().Throw<NotSupportedException>();

        Directory.Exists(previous).Should().BeTrue("after a crash between the renames, the .old folder is the only copy of the previous ensemble");
    }

    [Fact]
    public void A_second_save_into_the_same_folder_while_one_holds_the_lock_is_refused()
    {
        string folder = _temp.Combine("ensemble");
        using var ensemble = SmallNets.Linear(_normalizer).ToEnsemble(members: 1).Build();
        using (new FileStream(_temp.Combine(".ensemble.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            FluentActions.Invoking(() => ensemble.Save(folder)).Should().Throw<IOException>().WithMessage("*Another save into*in progress*");
        }

        File.Delete(_temp.Combine(".ensemble.lock"));
        ensemble.Save(folder);
        Directory.GetFileSystemEntries(_temp.Path).Select(Path.GetFileName).Should().Equal("ensemble");
    }

    [Fact]
    public void An_oversized_or_deeply_nested_manifest_is_refused_by_its_limit()
    {
        string folder = _temp.Combine("ensemble");
        using (var ensemble = SmallNets.Linear(_normalizer).ToEnsemble(members: 1).Build()) ensemble.Save(folder);
        string manifestPath = Path.Combine(folder, "ensemble.json");
        string good = File.ReadAllText(manifestPath);

        File.WriteAllText(manifestPath, good.TrimEnd()[..^1] + ", \"pad\": \"" + new string('x', 5 << 20) + "\" }");
        FluentActions.Invoking(() => ModelEnsemble.Load(folder)).Should().Throw<EnsembleFileException>().WithMessage("*ensemble.json holds*more than the limit*MaxArchitectureBytes*");

        File.WriteAllText(manifestPath, good.TrimEnd()[..^1] + ", \"deep\": " + new string('[', 10_000) + new string(']', 10_000) + " }");
        FluentActions.Invoking(() => ModelEnsemble.Load(folder)).Should().Throw<EnsembleFileException>().WithMessage("*MaxJsonDepth*");

        File.WriteAllText(manifestPath, good.Replace("\"inputShape\": [", "\"inputShape\": [null, ", StringComparison.Ordinal));
        FluentActions.Invoking(() => ModelEnsemble.Load(folder)).Should().Throw<EnsembleFileException>().WithMessage("*valid 'inputShape'*");
    }

    [Fact]
    public void Members_share_the_parameter_limit_and_each_is_bounded_by_Cores_checks()
    {
        string folder = _temp.Combine("ensemble");
        using (var ensemble = SmallNets.Linear(_normalizer).ToEnsemble(members: 3).Build()) ensemble.Save(folder);

        // 7,850 values per member: two fit into 20,000, the third does not.
        var ex = FluentActions.Invoking(() => ModelEnsemble.Load(folder, limits: new ModelLoadLimits { MaxParameters = 20_000 }))
            .Should().Throw<EnsembleFileException>().Which;
        ex.Problems.Should().ContainSingle().Which.Should().Match("member-3.mnistmodel cannot be loaded:*MaxParameters*members share*");
        ex.InnerException.Should().BeOfType<ModelFileException>();

        using var loaded = ModelEnsemble.Load(folder, limits: new ModelLoadLimits { MaxParameters = 30_000 });
        loaded.Count.Should().Be(3);
    }

    [Theory]
    [InlineData("units")]
    [InlineData("nan")]
    public void A_member_vouched_for_by_the_manifest_still_gets_Cores_bounds_and_value_checks(string poison)
    {
        string folder = _temp.Combine("ensemble");
        using (var ensemble = SmallNets.Linear(_normalizer).ToEnsemble(members: 2).Build()) ensemble.Save(folder);
        string member = Path.Combine(folder, "member-2.mnistmodel");
        if (poison == "units")
        {
            ModelFileEditing.RewriteModelJson(member, j => j.Replace("\"units\": 10", "\"units\": 500000", StringComparison.Ordinal));
        }
        else
        {
            using var model = SequentialModel.Load(member);
            using (TorchSharp.torch.no_grad()) model.Network.state_dict()["dense_1.bias"].fill_(float.NaN);
            model.Save(member);
        }

        EnsembleFolderEditing.VouchForMember(folder, 2);

        var ex = FluentActions.Invoking(() => ModelEnsemble.Load(folder)).Should().Throw<EnsembleFileException>().Which;
        ex.InnerException.Should().BeOfType<ModelFileException>();
        ex.Problems.Should().ContainSingle().Which.Should().StartWith("member-2.mnistmodel cannot be loaded:")
            .And.Contain(poison == "units" ? "MaxParameters" : "tensor 'dense_1.bias' (10) holds NaN");
    }
}
