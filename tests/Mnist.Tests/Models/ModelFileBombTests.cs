using System.IO.Compression;
using Mnist.Models;
using Mnist.Tests.Data;
using Xunit.Abstractions;

namespace Mnist.Tests.Models;

/// <summary>
/// Regression tests for the memory and overflow bombs of issue 15: each crafted model file is refused with a
/// <see cref="ModelFileException"/> that names the file and the limit, within seconds and far below 1 GB.
/// </summary>
public sealed class ModelFileBombTests : IDisposable
{
    private const long MemoryBound = 300L << 20;
    private static readonly TimeSpan TimeBound = TimeSpan.FromSeconds(10);

    private readonly TempDirectory _temp = new();
    private readonly ITestOutputHelper _output;

    public ModelFileBombTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _temp.Dispose();

    /// <summary>Normalize → Flatten → Dense(10, softmax) on 1×28×28: 7,850 parameters, a 31 KB weights.bin.</summary>
    private string SavedLinear(string name)
    {
        string path = _temp.Combine(name);
        using var model = Sequential.Input(1, 28, 28).Normalize(33f, 78f).Flatten().Dense(10, Activation.Softmax).Build(new ModelOptions { Seed = 1 });
        model.Save(path);
        return path;
    }

    /// <summary>Normalize → Conv2D(4, 3, relu) → BatchNorm → MaxPool → Flatten → Dense(10, softmax).</summary>
    private string SavedConv(string name)
    {
        string path = _temp.Combine(name);
        using var model = Sequential.Input(1, 28, 28).Normalize(33f, 78f).Conv2D(4, 3, Activation.ReLU).BatchNorm().MaxPool2D().Flatten().Dense(10, Activation.Softmax)
            .Build(new ModelOptions { Seed = 1 });
        model.Save(path);
        return path;
    }

    private ModelFileException RefusedWithinBounds(string label, string path, ModelLoadLimits? limits = null)
    {
        var use = ResourceUse.Measure(() =>
        {
            using var model = SequentialModel.Load(path, limits: limits);
        });
        _output.WriteLine($"{label}: {use}; {use.Thrown?.GetType().Name}: {use.Thrown?.Message}");
        use.Thrown.Should().BeOfType<ModelFileException>($"{label} must be refused with a ModelFileException");
        var ex = (ModelFileException)use.Thrown!;
        ex.Path.Should().Be(path);
        ex.Message.Should().StartWith(path);
        use.Elapsed.Should().BeLessThan(TimeBound, label);
        use.ManagedAllocated.Should().BeLessThan(MemoryBound, label);
        use.PeakResidentDelta.Should().BeLessThan(MemoryBound, label);
        return ex;
    }

    [Fact]
    public void A_weights_entry_that_inflates_to_10_GB_is_refused_from_its_declared_size()
    {
        string path = SavedLinear("bomb.mnistmodel");
        byte[] weights = ModelFileEditing.ReadEntry(path, "weights.bin");
        ModelFileEditing.ReplaceEntry(path, "weights.bin", s =>
        {
            s.Write(weights);
            ModelFileEditing.WriteZeros(s, 10L << 30); // over 4 GiB: a zip64 entry
        }, CompressionLevel.Fastest);
        _output.WriteLine($"file size {new FileInfo(path).Length:N0} bytes");

        var ex = RefusedWithinBounds("honest 10 GB weights.bin", path);

        ex.Message.Should().Contain("weights.bin").And.Contain("limit").And.Contain("architecture implies");
    }

    [Fact]
    public void A_weights_entry_whose_header_understates_its_size_is_refused_without_inflating_it()
    {
        string path = SavedLinear("liar.mnistmodel");
        byte[] weights = ModelFileEditing.ReadEntry(path, "weights.bin");
        ModelFileEditing.ReplaceEntry(path, "weights.bin", s =>
        {
            s.Write(weights);
            ModelFileEditing.WriteZeros(s, 1L << 30);
        }, CompressionLevel.Fastest);
        ModelFileEditing.ForgeDeclaredSize(path, "weights.bin", (uint)weights.Length);

        var ex = RefusedWithinBounds("1 GB weights.bin declaring 31 KB", path);

        ex.Message.Should().Contain("weights.bin");
        ex.Message.Should().ContainAny("CRC-32", "inflates to more than", "declares");
    }

    [Fact]
    public void A_stored_weights_entry_longer_than_its_header_says_is_cut_off_at_the_limit()
    {
        string path = SavedLinear("stored-liar.mnistmodel");
        byte[] weights = ModelFileEditing.ReadEntry(path, "weights.bin");
        ModelFileEditing.ReplaceEntry(path, "weights.bin", s =>
        {
            s.Write(weights);
            ModelFileEditing.WriteZeros(s, 64L << 20);
        }, CompressionLevel.NoCompression);
        ModelFileEditing.ForgeDeclaredSize(path, "weights.bin", (uint)weights.Length);

        // .NET returns the stored data beyond the declared size; the reader stops one byte after the last tensor.
        RefusedWithinBounds("64 MB stored weights.bin declaring 31 KB", path).Message.Should().Contain("weights.bin").And.Contain("Unexpected bytes after the last tensor");

        string json = SavedLinear("stored-json-liar.mnistmodel");
        byte[] architecture = ModelFileEditing.ReadEntry(json, "model.json");
        ModelFileEditing.ReplaceEntry(json, "model.json", s =>
        {
            s.Write(architecture);
            var spaces = new byte[1 << 20];
            Array.Fill(spaces, (byte)' ');
            for (int i = 0; i < 64; i++) s.Write(spaces);
        }, CompressionLevel.NoCompression);
        ModelFileEditing.ForgeDeclaredSize(json, "model.json", (uint)architecture.Length);

        // The counting stream cuts the entry off one byte beyond the limit, whatever its header says.
        RefusedWithinBounds("64 MB stored model.json declaring 1 KB", json).Message
            .Should().Match("*entry 'model.json' inflates to more than the limit of 1?048?576 bytes (its header declares less)*MaxArchitectureBytes*");
    }

    [Fact]
    public void A_model_json_bomb_is_refused_by_length_and_by_depth()
    {
        string padded = SavedLinear("json-bomb.mnistmodel");
        string json = System.Text.Encoding.UTF8.GetString(ModelFileEditing.ReadEntry(padded, "model.json"));
        ModelFileEditing.ReplaceEntry(padded, "model.json", s =>
        {
            s.Write(System.Text.Encoding.UTF8.GetBytes(json[..^1]));
            var spaces = new byte[1 << 20];
            Array.Fill(spaces, (byte)' ');
            for (int i = 0; i < 1024; i++) s.Write(spaces);
            s.Write("}"u8);
        }, CompressionLevel.Fastest);
        RefusedWithinBounds("1 GB model.json", padded).Message.Should().Match("*model.json*1?048?576*MaxArchitectureBytes*");

        ModelFileEditing.ForgeDeclaredSize(padded, "model.json", (uint)json.Length);
        RefusedWithinBounds("1 GB model.json declaring its real size", padded).Message.Should().Contain("model.json");

        string deep = SavedLinear("json-deep.mnistmodel");
        ModelFileEditing.RewriteModelJson(deep, j => j.Replace("\"epochsTrained\": 0", "\"epochsTrained\": 0, \"x\": " + new string('[', 400_000) + new string(']', 400_000), StringComparison.Ordinal));
        RefusedWithinBounds("model.json nested 400,000 deep", deep).Message.Should().Contain("MaxJsonDepth");

        string overflow = SavedLinear("json-overflow.mnistmodel");
        ModelFileEditing.RewriteModelJson(overflow, j => j.Replace("\"units\": 10", "\"units\": 1" + new string('0', 400), StringComparison.Ordinal));
        RefusedWithinBounds("units with 400 digits", overflow).Message.Should().Contain("units");
    }

    [Fact]
    public void Declaring_500000_units_is_refused_before_the_network_is_built()
    {
        string path = SavedLinear("units.mnistmodel");
        ModelFileEditing.RewriteModelJson(path, j => j.Replace("\"units\": 10", "\"units\": 500000", StringComparison.Ordinal));

        RefusedWithinBounds("units 500000", path).Message.Should().Match("*392?500?000*MaxParameters*");

        // With the limit raised, the stored weight shapes are still checked before anything is built.
        var raised = new ModelLoadLimits { MaxParameters = 1_000_000_000 };
        RefusedWithinBounds("units 500000, MaxParameters raised", path, raised).Message
            .Should().Contain("tensor 'dense_1.weight' has shape (10, 784) in the file but (500000, 784)");
    }

    [Fact]
    public void A_100000_by_100000_input_is_refused_by_the_activation_limit_and_cannot_overflow_Flatten()
    {
        string path = SavedLinear("input.mnistmodel");
        ModelFileEditing.RewriteModelJson(path, j => System.Text.RegularExpressions.Regex.Replace(j, @"""inputShape"": \[[^\]]*\]", "\"inputShape\": [1, 100000, 100000]"));

        RefusedWithinBounds("inputShape [1,100000,100000]", path).Message.Should().Match("*10?000?000?000*MaxActivationElements*");

        var raised = new ModelLoadLimits { MaxActivationElements = long.MaxValue, MaxParameters = long.MaxValue };
        RefusedWithinBounds("inputShape [1,100000,100000], limits raised", path, raised).Message
            .Should().Contain("Flatten").And.Contain("more than a feature vector can hold");
    }

    [Fact]
    public void Two_billion_filters_are_refused_before_any_native_allocation()
    {
        string path = SavedConv("filters.mnistmodel");
        ModelFileEditing.RewriteModelJson(path, j => j.Replace("\"filters\": 4", "\"filters\": 2000000000", StringComparison.Ordinal));

        RefusedWithinBounds("filters 2000000000", path).Message.Should().Match("*layer 'conv2d_1' (Conv2D) outputs (None, 2000000000, 26, 26)*MaxActivationElements*");

        // With both limits raised, Flatten's feature count overflows: a build error, not an OverflowException.
        var raised = new ModelLoadLimits { MaxActivationElements = long.MaxValue, MaxParameters = long.MaxValue };
        RefusedWithinBounds("filters 2000000000, limits raised", path, raised).Message.Should().Contain("Flatten").And.Contain("more than a feature vector can hold");

        // Without a Flatten, the stored weight shapes are compared with the architecture's before anything is built.
        string convOnly = _temp.Combine("conv-only.mnistmodel");
        using (var model = Sequential.Input(1, 28, 28).Conv2D(4, 3, Activation.ReLU).BatchNorm().Build(new ModelOptions { Seed = 1 })) model.Save(convOnly);
        ModelFileEditing.RewriteModelJson(convOnly, j => j.Replace("\"filters\": 4", "\"filters\": 2000000000", StringComparison.Ordinal));
        RefusedWithinBounds("conv only, filters 2000000000, limits raised", convOnly, raised).Message
            .Should().Contain("weights.bin: tensor 'conv2d_1.conv.weight' has shape (4, 1, 3, 3) in the file but (2000000000, 1, 3, 3)");
    }

    [Fact]
    public void Counts_that_overflow_64_bits_are_build_errors_not_OverflowException()
    {
        string path = _temp.Combine("overflow.mnistmodel");
        using (var model = Sequential.Input(1, 8, 8).Conv2D(2, 3, padding: ConvPadding.Same).Build(new ModelOptions { Seed = 1 })) model.Save(path);
        ModelFileEditing.RewriteModelJson(path, j => j
            .Replace("\"filters\": 2", "\"filters\": 2147483647", StringComparison.Ordinal)
            .Replace("\"kernelSize\": 3", "\"kernelSize\": 2147483647", StringComparison.Ordinal));
        var raised = new ModelLoadLimits { MaxActivationElements = long.MaxValue, MaxParameters = long.MaxValue };

        var ex = RefusedWithinBounds("filters and kernel int.MaxValue", path, raised);

        ex.InnerException.Should().BeOfType<ModelBuildException>();
        ex.Message.Should().Contain("overflows");
    }

    [Fact]
    public void Too_many_layers_are_refused_by_count()
    {
        string path = SavedLinear("layers.mnistmodel");

        ModelFileEditing.RewriteModelJson(path, j =>
        {
            int at = j.IndexOf("\"type\": \"Flatten\"", StringComparison.Ordinal);
            int close = j.LastIndexOf('}', at);
            return j.Insert(close + 1, string.Concat(Enumerable.Range(0, 1200).Select(i => $", {{ \"type\": \"Dropout\", \"name\": \"d{i}\", \"rate\": 0.1 }}")));
        });

        RefusedWithinBounds("1,201 + 3 layers", path).Message.Should().Contain("MaxLayers");
    }
}
