using Mnist.Models;
using Mnist.Onnx.Tests.Infrastructure;

namespace Mnist.Onnx.Tests;

/// <summary>Atomic, deterministic writes and the options' contract.</summary>
public sealed class ExportBehaviourTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly SequentialModel _model = Sequential.Input(1, 28, 28).Normalize(TestData.Normalizer).Conv2D(4, 3, Activation.ReLU)
        .MaxPool2D().BatchNorm().Flatten().Dense(10, Activation.Softmax).Build(new ModelOptions { Seed = 6 });

    public void Dispose()
    {
        _model.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void Exports_are_deterministic_and_the_file_and_stream_overloads_write_the_same_bytes()
    {
        string path = _dir.File("sub/folder/m.onnx");
        _model.ExportOnnx(path);
        using var stream = new MemoryStream();
        _model.ExportOnnx(stream);
        File.ReadAllBytes(path).Should().Equal(stream.ToArray());
        using var again = new MemoryStream();
        _model.ExportOnnx(again);
        again.ToArray().Should().Equal(stream.ToArray());
    }

    [Fact]
    public void An_export_replaces_an_existing_file_through_a_temporary_sibling()
    {
        string path = _dir.File("m.onnx");
        File.WriteAllText(path, "old");
        _model.ExportOnnx(path);
        OnnxModelInfo.Read(path).Kind.Should().Be("model");
        Directory.GetFiles(_dir.Path).Should().Equal([path], "the temporary file was renamed over the target");
    }

    [Fact]
    public void Options_are_validated()
    {
        Invalid(new OnnxExportOptions { ProducerName = " " }, "ProducerName");
        Invalid(new OnnxExportOptions { ClassNames = [] }, "ClassNames");
        Invalid(new OnnxExportOptions { ClassNames = ["a", null!] }, "ClassNames");
        Invalid(new OnnxExportOptions { Metadata = { ["mnist.kind"] = "x" } }, "reserved prefix");
        Invalid(new OnnxExportOptions { Metadata = { ["k"] = null! } }, "null");
        Invalid(new OnnxExportOptions { Metadata = { [""] = "v" } }, "empty");
        Invalid(new OnnxExportOptions { Metadata = null! }, "Metadata");
        new OnnxExportOptions().Validate();

        var act = () => _model.ExportOnnx(new MemoryStream(), new OnnxExportOptions { ClassNames = ["a", "b"] });
        act.Should().Throw<ArgumentException>().WithMessage("*2 names*10 classes*");
        var readOnly = () => _model.ExportOnnx(new MemoryStream([], writable: false));
        readOnly.Should().Throw<ArgumentException>().WithMessage("*not writable*");

        static void Invalid(OnnxExportOptions options, string mention) =>
            options.Invoking(o => o.Validate()).Should().Throw<ArgumentException>().WithMessage($"*{mention}*");
    }

    [Fact]
    public void Clone_is_deep_and_an_export_uses_a_copy()
    {
        var options = new OnnxExportOptions { ProducerName = "p", Description = "d", ClassNames = ["a"], Metadata = { ["k"] = "v" } };
        var copy = options.Clone();
        options.Metadata["k"] = "changed";
        copy.ProducerName.Should().Be("p");
        copy.Description.Should().Be("d");
        copy.ClassNames.Should().Equal("a");
        copy.Metadata["k"].Should().Be("v");
        copy.Metadata.Should().NotBeSameAs(options.Metadata);
        new OnnxExportOptions().ProducerName.Should().Be("Mnist.Onnx");
        new OnnxExportOptions().Metadata.Should().BeEmpty();
    }
}
