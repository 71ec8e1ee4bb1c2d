using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Models.Modules;

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
        // mul_ works in place and returns the same tensor as sub: it must not be disposed here.
        return input.sub(_mean).mul_(_scale);
    }
}
