using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Models;

/// <summary>Wraps a tensor function as a module (Keras <c>Lambda</c>).</summary>
internal sealed class LambdaModule : nn.Module<Tensor, Tensor>
{
    private readonly Func<Tensor, Tensor> _function;

    public LambdaModule(Func<Tensor, Tensor> function)
        : base(nameof(LambdaModule)) => _function = function;

    public override Tensor forward(Tensor input) => _function(input);
}
