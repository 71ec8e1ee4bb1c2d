using Mnist.Ensemble;
using Google.Protobuf;
using Mnist.Models;
using Mnist.Onnx.Protobuf;
using Mnist.Onnx.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Onnx.Tests;

/// <summary>Typed errors: files that are not (valid) ONNX name the file; layers without ONNX form name the layer.</summary>
public sealed class ErrorTests : IDisposable
{
    /// <summary>A 1×1 PNG image.</summary>
    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=");

    private readonly TempDirectory _dir = new();
    private readonly SequentialModel _model = Sequential.Input(1, 28, 28).Normalize(TestData.Normalizer).Conv2D(4, 3, Activation.ReLU)
        .MaxPool2D().BatchNorm().Flatten().Dense(10, Activation.Softmax).Build(new ModelOptions { Seed = 5 });

    public void Dispose()
    {
        _model.Dispose();
        _dir.Dispose();
    }

    private byte[] Exported()
    {
        using var stream = new MemoryStream();
        _model.ExportOnnx(stream);
        return stream.ToArray();
    }

    private string Write(string name, byte[] bytes)
    {
        string path = _dir.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static OnnxFileException ShouldRefuse(string path, string because)
    {
        var act = () => OnnxModelInfo.Read(path);
        var error = act.Should().Throw<OnnxFileException>().Which;
        error.Should().BeAssignableTo<MnistFileException>("it belongs to the library's bad-input-file family");
        error.FilePath.Should().Be(path);
        error.Message.Should().Contain(path, because);
        return error;
    }

    [Fact]
    public void A_missing_file_is_FileNotFoundException()
    {
        string path = _dir.File("nothing.onnx");
        var act = () => OnnxModelInfo.Read(path);
        act.Should().Throw<FileNotFoundException>().Which.FileName.Should().Be(path);
    }

    [Fact]
    public void A_PNG_is_named_as_an_image()
    {
        ShouldRefuse(Write("digit.onnx", Png), "a PNG renamed .onnx").Message.Should().Contain("PNG image");
    }

    [Fact]
    public void A_text_file_is_refused()
    {
        ShouldRefuse(Write("notes.onnx", "This is a text file, not a neural network.\n"u8.ToArray()), "text").Message.Should().Contain("text");
        ShouldRefuse(Write("empty.onnx", []), "empty").Message.Should().Contain("empty");
    }

    [Fact]
    public void A_whole_model_file_is_named_as_a_zip_archive()
    {
        string path = _dir.File("model.mnistmodel");
        _model.Save(path);
        ShouldRefuse(path, "a zip").Message.Should().Contain("zip archive");
    }

    [Fact]
    public void Truncated_files_are_refused_at_every_cut()
    {
        byte[] bytes = Exported();
        foreach (double fraction in new[] { 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.9999 })
        {
            int length = (int)(bytes.Length * fraction);
            ShouldRefuse(Write($"cut-{fraction}.onnx", bytes[..length]), $"cut at {length} of {bytes.Length} bytes");
        }

        for (int cut = 1; cut <= 64; cut++)
            ShouldRefuse(Write("tail.onnx", bytes[..^cut]), $"the last {cut} bytes are missing");
    }

    [Fact]
    public void A_file_cut_exactly_between_metadata_entries_is_refused()
    {
        var proto = ModelProto.Parser.ParseFrom(Exported());
        proto.MetadataProps.RemoveAt(proto.MetadataProps.Count - 1); // what a cut at an entry boundary leaves
        ShouldRefuse(Write("short.onnx", proto.ToByteArray()), "a metadata entry is missing").Message.Should().Contain("truncated");
    }

    [Fact]
    public void Corrupt_files_are_refused()
    {
        byte[] bytes = Exported();
        var header = (byte[])bytes.Clone();
        for (int i = 0; i < 32; i++) header[i] = 0xFF;
        ShouldRefuse(Write("header.onnx", header), "a garbled header");

        // One flipped bit in the middle of the weights still parses; the graph's SHA-256 finds it.
        var weights = (byte[])bytes.Clone();
        weights[bytes.Length / 2] ^= 0x10;
        ShouldRefuse(Write("weights.onnx", weights), "a flipped bit in the weights").Message.Should().Contain("corrupt");

        var random = new byte[4096];
        new Random(7).NextBytes(random);
        ShouldRefuse(Write("random.onnx", random), "random bytes");
    }

    [Fact]
    public void Files_above_the_read_limit_are_refused_before_they_are_read()
    {
        string path = Write("big.onnx", Exported());
        var act = () => OnnxModelInfo.Read(path, maxBytes: 1024);
        act.Should().Throw<OnnxFileException>().WithMessage("*read limit*1,024*");
        using var stream = File.OpenRead(path);
        var fromStream = () => OnnxModelInfo.Read(stream, "upload", maxBytes: 1024);
        fromStream.Should().Throw<OnnxFileException>().Which.FilePath.Should().Be("upload");
        OnnxModelInfo.Read(path).Kind.Should().Be("model", "within the default limit it reads");
    }

    [Fact]
    public void A_Lambda_layer_is_named_and_nothing_is_written()
    {
        using var model = Sequential.Input(1, 28, 28).Normalize(TestData.Normalizer).Lambda(x => x.mul(2.0)).Flatten().Dense(10, Activation.Softmax).Build();
        string path = _dir.File("lambda.onnx");
        var act = () => model.ExportOnnx(path);
        var error = act.Should().Throw<OnnxExportException>().Which;
        error.Should().BeAssignableTo<NotSupportedException>();
        error.LayerPosition.Should().Be(2);
        error.LayerName.Should().Be("lambda_1");
        error.LayerType.Should().Be("Lambda");
        error.MemberNumber.Should().BeNull();
        error.Message.Should().Contain("Layer 2 'lambda_1' (Lambda)").And.Contain("built-in layers");
        File.Exists(path).Should().BeFalse();
        Directory.GetFiles(_dir.Path).Should().BeEmpty("no temporary file is left behind");
    }

    [Fact]
    public void A_Module_layer_is_named()
    {
        using var model = Sequential.Input(1, 28, 28).Flatten().Module(shape => nn.Linear(shape[0], 10), "TorchLinear", name: "head").Build();
        var act = () => model.ExportOnnx(new MemoryStream());
        var error = act.Should().Throw<OnnxExportException>().Which;
        error.LayerPosition.Should().Be(2);
        error.LayerName.Should().Be("head");
        error.LayerType.Should().Be("TorchLinear");
        error.Message.Should().Contain("Module layer");
    }

    [Fact]
    public void A_custom_layer_is_named_and_an_existing_file_is_left_as_it_was()
    {
        string path = Write("keep.onnx", Exported());
        byte[] before = File.ReadAllBytes(path);
        using var model = Sequential.Input(1, 28, 28).Add(new ScaleLayer()).Flatten().Dense(10, Activation.Softmax).Build();
        var act = () => model.ExportOnnx(path);
        var error = act.Should().Throw<OnnxExportException>().Which;
        error.LayerPosition.Should().Be(1);
        error.LayerType.Should().Be("Scale");
        error.Message.Should().Contain(typeof(ScaleLayer).FullName!).And.Contain("custom layer");
        File.ReadAllBytes(path).Should().Equal(before);
    }

    [Fact]
    public void An_unexportable_ensemble_member_is_named()
    {
        var good = Sequential.Input(1, 28, 28).Flatten().Dense(10, Activation.Softmax).Build();
        var bad = Sequential.Input(1, 28, 28).Lambda(x => x.div(255.0)).Flatten().Dense(10, Activation.Softmax).Build();
        using var ensemble = ModelEnsemble.FromModels([good, bad]);
        var act = () => ensemble.ExportOnnx(_dir.File("e.onnx"));
        var error = act.Should().Throw<OnnxExportException>().Which;
        error.MemberNumber.Should().Be(2);
        error.LayerPosition.Should().Be(1);
        error.Message.Should().StartWith("Ensemble member 2: layer 1 'lambda_1' (Lambda)");
        File.Exists(_dir.File("e.onnx")).Should().BeFalse();
    }

    /// <summary>A user's layer: multiplies by 2.</summary>
    private sealed class ScaleLayer() : Layer(null)
    {
        public override string TypeName => "Scale";

        public override TensorShape ComputeOutputShape(TensorShape input) => input;

        public override nn.Module<Tensor, Tensor> CreateModule(TensorShape input, bool includeTrailingActivation = true) => new Doubler();

        private sealed class Doubler() : nn.Module<Tensor, Tensor>("Doubler")
        {
            public override Tensor forward(Tensor input) => input.mul(2.0);
        }
    }
}

/// <summary>Seeded random damage to an exported file: every result is a successful read or an <see cref="OnnxFileException"/>.</summary>
public sealed class ReadFuzzTests
{
    [Fact]
    public void Damaged_files_give_only_typed_errors()
    {
        using var model = Sequential.Input(1, 28, 28).Normalize(TestData.Normalizer).Conv2D(2, 3, Activation.ReLU).MaxPool2D().BatchNorm().Flatten().Dense(10, Activation.Softmax)
            .Build(new ModelOptions { Seed = 8 });
        using var stream = new MemoryStream();
        model.ExportOnnx(stream);
        byte[] original = stream.ToArray();
        var random = new Random(2026);
        int refused = 0;
        for (int trial = 0; trial < 400; trial++)
        {
            byte[] bytes = (byte[])original.Clone();
            switch (trial % 4)
            {
                case 0:
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                    break;
                case 1:
                    for (int i = 0; i < 8; i++) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 2:
                    bytes = bytes[..random.Next(bytes.Length)];
                    break;
                default:
                    int at = random.Next(bytes.Length);
                    bytes = [.. bytes[..at], .. Enumerable.Range(0, random.Next(1, 16)).Select(_ => (byte)random.Next(256)), .. bytes[at..]];
                    break;
            }

            try
            {
                OnnxModelInfo.Read(new MemoryStream(bytes), $"trial-{trial}");
            }
            catch (OnnxFileException ex)
            {
                ex.FilePath.Should().Be($"trial-{trial}");
                refused++;
            }
        }

        refused.Should().BeGreaterThan(390, "the graph's SHA-256 and the metadata count find nearly every change (a change inside a free-text field may go unnoticed)");
    }
}
