using System.IO.Compression;
using Mnist.Models;
using Mnist.Tests.Data;
using static TorchSharp.torch;

namespace Mnist.Tests.Models;

/// <summary>Poisoned weights (NaN, infinities, negative variances) and corrupt zip data are refused by name.</summary>
public sealed class ModelFileIntegrityTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static SequentialModel Conv() =>
        Sequential.Input(1, 28, 28).Normalize(33f, 78f).Conv2D(4, 3, Activation.ReLU).BatchNorm().MaxPool2D().Flatten().Dense(10, Activation.Softmax)
            .Build(new ModelOptions { Seed = 3 });

    private static void Poison(SequentialModel model, string tensor, float value)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        model.Network.state_dict()[tensor].flatten()[2].fill_(value);
    }

    [Theory]
    [InlineData("dense_1.weight", float.NaN, "NaN")]
    [InlineData("conv2d_1.conv.bias", float.PositiveInfinity, "+Infinity")]
    [InlineData("batch_normalization_1.running_mean", float.NegativeInfinity, "-Infinity")]
    [InlineData("batch_normalization_1.running_var", float.NaN, "NaN")]
    [InlineData("batch_normalization_1.running_var", -0.5f, "a negative variance")]
    public void A_model_file_with_a_poisoned_tensor_is_refused_naming_the_file_and_the_tensor(string tensor, float value, string what)
    {
        string path = _temp.Combine("poisoned.mnistmodel");
        using (var model = Conv())
        {
            Poison(model, tensor, value);
            model.Save(path);
        }

        var act = () => SequentialModel.Load(path);

        act.Should().Throw<ModelFileException>()
            .Where(e => e.Path == path)
            .WithMessage($"{path}: weights.bin: tensor '{tensor}' * holds {what} at element 2*poisoned*");
    }

    [Fact]
    public void A_poisoned_weights_file_is_refused_and_changes_nothing()
    {
        string path = _temp.Combine("poisoned.weights");
        using (var poisoned = Conv())
        {
            Poison(poisoned, "dense_1.bias", float.NaN);
            poisoned.SaveWeights(path);
        }

        using var model = Conv();
        var before = model.Network.state_dict()["dense_1.bias"].data<float>().ToArray();

        model.Invoking(m => m.LoadWeights(path)).Should().Throw<ModelFileException>().WithMessage("*tensor 'dense_1.bias' (10) holds NaN at element 2*");
        model.Network.state_dict()["dense_1.bias"].data<float>().ToArray().Should().Equal(before);
    }

    [Fact]
    public void A_flipped_data_byte_in_a_stored_weights_entry_fails_the_CRC_check()
    {
        string path = _temp.Combine("crc.mnistmodel");
        using (var model = Conv()) model.Save(path);
        byte[] weights = ModelFileEditing.ReadEntry(path, "weights.bin");
        // Stored (not deflated), so that the flipped bit changes only the data and only the CRC can tell.
        ModelFileEditing.ReplaceEntry(path, "weights.bin", s => s.Write(weights), CompressionLevel.NoCompression);
        using (var intact = SequentialModel.Load(path))
        {
            intact.Layers.Should().HaveCount(6, "the stored copy itself is valid");
        }

        byte[] zip = File.ReadAllBytes(path);
        long at = ModelFileEditing.DataOffset(path, "weights.bin") + weights.Length - 7; // inside the last tensor's data
        zip[at] ^= 0x01;                                                                   // lowest mantissa bit: still a finite float
        File.WriteAllBytes(path, zip);

        var act = () => SequentialModel.Load(path);

        act.Should().Throw<ModelFileException>().WithMessage($"{path}: *weights.bin*CRC-32*");
    }

    [Fact]
    public void A_flipped_byte_in_deflated_weights_is_refused()
    {
        string path = _temp.Combine("flip.mnistmodel");
        using (var model = Conv()) model.Save(path);
        byte[] zip = File.ReadAllBytes(path);
        long start = ModelFileEditing.DataOffset(path, "weights.bin");
        for (int k = 0; k < 20; k++)
        {
            byte[] copy = (byte[])zip.Clone();
            copy[start + 40 + k * 97] ^= 0x10;
            File.WriteAllBytes(path, copy);
            var act = () => SequentialModel.Load(path);
            act.Should().Throw<ModelFileException>($"flip {k}").Which.Path.Should().Be(path);
        }
    }
}
