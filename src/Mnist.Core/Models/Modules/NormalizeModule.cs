using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Models;

/// <summary>(x − mean) / std with constants (no trainable or saved state).</summary>
internal sealed class NormalizeModule : nn.Module<Tensor, Tensor>
{
    private readonly double _mean;
    private readonly double _scale;

    public NormalizeModule(float mean, float standardDeviation)
        : base(nameof(NormalizeModule))
    {
        _mean = mean;
        _scale = 1.0 / standardDeviation;
    }

    public override Tensor forward(Tensor input)
    {
        var shifted = input.sub(_mean);
        return shifted.mul_(_scale); // in place: returns the same (new) tensor
    }
}
