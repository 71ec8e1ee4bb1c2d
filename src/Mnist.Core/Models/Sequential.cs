namespace Mnist.Models;

/// <summary>Entry point of the fluent model API: <c>Sequential.Input(1, 28, 28).Conv2D(32, 3, …)….Build()</c>.</summary>
public static class Sequential
{
    /// <summary>Starts a model over images of <paramref name="channels"/> × <paramref name="height"/> × <paramref name="width"/>.</summary>
    public static SequentialBuilder Input(int channels, int height, int width) => new(new TensorShape(channels, height, width));

    /// <summary>Starts a model over samples of shape <paramref name="shape"/>.</summary>
    public static SequentialBuilder Input(TensorShape shape) => new(shape);
}
