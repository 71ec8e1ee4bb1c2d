using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Models;

/// <summary>Infers the output shape of code-defined layers by running them once on a zero batch of two samples.</summary>
internal static class ShapeProbe
{
    public static TensorShape Probe(string typeName, TensorShape input, Func<nn.Module<Tensor, Tensor>> create)
    {
        using var scope = NewDisposeScope();
        using var module = create();
        module.eval();
        using var _ = no_grad();
        Tensor output;
        try
        {
            output = module.forward(zeros(input.WithBatch(2)));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new ModelBuildException($"{typeName} failed on input {input}: {ex.Message}", ex);
        }

        if (output.dim() < 2 || output.shape[0] != 2)
            throw new ModelBuildException($"{typeName} must keep the batch dimension first; on input {input} it returned ({string.Join(", ", output.shape)}) for a batch of 2.");
        return new TensorShape(output.shape.Skip(1).Select(d => checked((int)d)).ToArray());
    }
}
