using Mnist.Data;
using TorchSharp;

namespace Mnist.Tests.Data;

public sealed class OneHotTests
{
    [Fact]
    public void Encodes_like_to_categorical_and_decodes_with_argmax()
    {
        byte[] labels = [5, 0, 4, 1, 9];
        var encoded = OneHot.Encode(labels, 10);
        encoded.GetLength(0).Should().Be(5);
        encoded.GetLength(1).Should().Be(10);
        for (int i = 0; i < labels.Length; i++)
        {
            for (int c = 0; c < 10; c++) encoded[i, c].Should().Be(c == labels[i] ? 1f : 0f);
        }

        OneHot.Decode(encoded).Should().Equal(5, 0, 4, 1, 9);
        OneHot.Encode([2, 0], 3).Should().BeEquivalentTo(new float[,] { { 0, 0, 1 }, { 1, 0, 0 } });
        OneHot.Decode(new float[,] { { 0.1f, 0.7f, 0.2f }, { 0.5f, 0.5f, 0f } }).Should().Equal(1, 0);
    }

    [Fact]
    public void Labels_outside_the_classes_are_rejected()
    {
        FluentActions.Invoking(() => OneHot.Encode([1, 10], 10)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("Label 10 at index 1 is outside the 10 classes*");
        FluentActions.Invoking(() => OneHot.Encode(new[] { -1 }, 10)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => OneHot.Encode(ReadOnlySpan<byte>.Empty, 0)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => OneHot.Decode(new float[2, 0])).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Tensor_encoding_agrees_with_the_array_encoding()
    {
        using var scope = torch.NewDisposeScope();
        var labels = torch.tensor(new long[] { 3, 1, 4, 1, 5 });
        var encoded = OneHot.Encode(labels, 6);
        encoded.dtype.Should().Be(torch.ScalarType.Float32);
        encoded.shape.Should().Equal(5, 6);
        var expected = OneHot.Encode([3, 1, 4, 1, 5], 6);
        encoded.data<float>().ToArray().Should().Equal(expected.Cast<float>());
        OneHot.Decode(encoded).data<long>().ToArray().Should().Equal(3, 1, 4, 1, 5);

        FluentActions.Invoking(() => OneHot.Encode(torch.tensor(new long[] { 0, 6 }), 6)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("Label 6 at index 1*");
        FluentActions.Invoking(() => OneHot.Encode(torch.zeros(2, 2, torch.ScalarType.Int64), 6)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => OneHot.Encode(torch.zeros(2), 6)).Should().Throw<ArgumentException>().WithMessage("*integer*");
    }
}
