using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Mnist.Models;

namespace Mnist.Tests.Models;

/// <summary><see cref="ModelFile"/>'s own surface: streams, headers, and agreement with the path entry points on the model.</summary>
public sealed class ModelFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mnist-modelfile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static SequentialBuilder Tiny() =>
        Sequential.Input(1, 8, 8).Normalize(33f, 78f).Conv2D(2, 3, Activation.ReLU).BatchNorm().Flatten().Dense(3, Activation.Softmax)
            .WithClassNames(["cat", "dog", "fish"]);

    private static float[] Predict(SequentialModel model)
    {
        var images = Enumerable.Range(0, 2 * 64).Select(i => (float)(i * 7 % 255)).ToArray();
        var probabilities = model.PredictProba(images, 2);
        return Enumerable.Range(0, probabilities.SampleCount).SelectMany(s => probabilities[s].ToArray()).ToArray();
    }

    [Fact]
    public void A_stream_round_trip_equals_the_file_round_trip()
    {
        using var model = Tiny().Build(new ModelOptions { Seed = 3 });
        string path = Path.Combine(_dir, "tiny.mnistmodel");
        model.Save(path);
        using var buffer = new MemoryStream();
        ModelFile.Save(model, buffer);

        buffer.Position = 0;
        using var fromStream = ModelFile.Load(buffer, "in-memory.mnistmodel");
        using var fromFile = ModelFile.Load(path);

        Predict(fromStream).Should().Equal(Predict(model));
        Predict(fromFile).Should().Equal(Predict(model));
        fromStream.ClassNames.Should().Equal("cat", "dog", "fish");
        buffer.CanRead.Should().BeTrue("the stream is left open");
    }

    [Fact]
    public void The_header_describes_the_file_without_building_it_and_Save_returns_the_same()
    {
        using var model = Tiny().Build();
        string path = Path.Combine(_dir, "tiny.mnistmodel");
        var written = ModelFile.Save(model, path);

        var read = ModelFile.ReadHeader(path);

        foreach (var header in new[] { written, read })
        {
            header.InputShape.Should().Be(model.InputShape);
            header.ClassNames.Should().Equal("cat", "dog", "fish");
            header.EpochsTrained.Should().Be(0);
            header.LayerCount.Should().Be(model.Layers.Count);
            header.GetLayers().Select(l => l!["type"]!.GetValue<string>()).Should().Equal(model.Layers.Select(l => l.TypeName));
        }

        read.ArchitectureSha256.Should().Be(written.ArchitectureSha256).And.MatchRegex("^[0-9a-f]{64}$");
        read.GetLayers().ToJsonString().Should().Be(written.GetLayers().ToJsonString());

        // The documented definition: SHA-256 of the compact {inputShape, layers} as stored.
        var json = JsonNode.Parse(Encoding.UTF8.GetString(ModelFileEditing.ReadEntry(path, "model.json")))!;
        var architecture = new JsonObject { ["inputShape"] = json["inputShape"]!.DeepClone(), ["layers"] = json["layers"]!.DeepClone() };
        read.ArchitectureSha256.Should().Be(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(architecture.ToJsonString()))).ToLowerInvariant());
    }

    [Fact]
    public void Equal_architectures_have_equal_hashes_whatever_their_weights()
    {
        using var a = Tiny().Build(new ModelOptions { Seed = 1 });
        using var b = Tiny().Build(new ModelOptions { Seed = 2 });
        using var other = Sequential.Input(1, 8, 8).Normalize(33f, 79f).Conv2D(2, 3, Activation.ReLU).BatchNorm().Flatten().Dense(3, Activation.Softmax).Build();

        string hashA = ModelFile.Save(a, Path.Combine(_dir, "a.mnistmodel")).ArchitectureSha256;
        string hashB = ModelFile.Save(b, Path.Combine(_dir, "b.mnistmodel")).ArchitectureSha256;
        string hashOther = ModelFile.Save(other, Path.Combine(_dir, "c.mnistmodel")).ArchitectureSha256;

        hashB.Should().Be(hashA);
        hashOther.Should().NotBe(hashA, "the normaliser's statistics are part of the architecture");
    }

    [Fact]
    public void A_returned_layer_list_is_a_copy()
    {
        using var model = Tiny().Build();
        var header = ModelFile.Save(model, Path.Combine(_dir, "tiny.mnistmodel"));
        string before = header.ArchitectureSha256;

        header.GetLayers().Clear();

        header.LayerCount.Should().Be(model.Layers.Count);
        header.ArchitectureSha256.Should().Be(before);
    }

    [Fact]
    public void Streams_that_cannot_seek_or_files_that_are_not_model_files_are_refused()
    {
        using var model = Tiny().Build();
        using var buffer = new MemoryStream();
        ModelFile.Save(model, buffer);
        using var forwardOnly = new ForwardOnlyStream(buffer.ToArray());

        FluentActions.Invoking(() => ModelFile.Load(forwardOnly, "pipe")).Should().Throw<ArgumentException>().WithMessage("*seekable*");
        FluentActions.Invoking(() => ModelFile.ReadHeader(forwardOnly, "pipe")).Should().Throw<ArgumentException>().WithMessage("*seekable*");

        using var garbage = new MemoryStream(Encoding.UTF8.GetBytes("not a zip at all"));
        FluentActions.Invoking(() => ModelFile.ReadHeader(garbage, "garbage.mnistmodel")).Should().Throw<ModelFileException>()
            .Where(e => e.FilePath == "garbage.mnistmodel");
        FluentActions.Invoking(() => ModelFile.ReadHeader(Path.Combine(_dir, "absent.mnistmodel"))).Should().Throw<FileNotFoundException>();
    }

    [Fact]
    public void A_model_saved_to_a_forward_only_stream_loads_too()
    {
        using var model = Tiny().Build(new ModelOptions { Seed = 5 });
        using var sink = new MemoryStream();
        using (var forwardOnly = new ForwardOnlyStream(sink))
        {
            ModelFile.Save(model, forwardOnly);
        }

        using var loaded = ModelFile.Load(new MemoryStream(sink.ToArray()), "streamed.mnistmodel");

        Predict(loaded).Should().Equal(Predict(model));
    }

    [Fact]
    public void The_header_is_read_within_the_limits()
    {
        using var model = Tiny().Build();
        string path = Path.Combine(_dir, "tiny.mnistmodel");
        model.Save(path);

        FluentActions.Invoking(() => ModelFile.ReadHeader(path, new ModelLoadLimits { MaxLayers = 2 })).Should().Throw<ModelFileException>().WithMessage("*MaxLayers*");
        FluentActions.Invoking(() => ModelFile.ReadHeader(path, new ModelLoadLimits { MaxArchitectureBytes = 100 })).Should().Throw<ModelFileException>().WithMessage("*MaxArchitectureBytes*");
    }

    /// <summary>A stream that reads or writes forward only, like a pipe or a network stream.</summary>
    private sealed class ForwardOnlyStream : Stream
    {
        private readonly Stream _inner;

        public ForwardOnlyStream(byte[] bytes) => _inner = new MemoryStream(bytes, writable: false);

        public ForwardOnlyStream(Stream sink) => _inner = sink;

        public override bool CanRead => _inner.CanRead;

        public override bool CanSeek => false;

        public override bool CanWrite => _inner.CanWrite;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Flush() => _inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);
    }
}
