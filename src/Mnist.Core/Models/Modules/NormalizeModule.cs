using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Models;

/// <summary>(x − mean) / std with constants (no trainable or saved state).</summary>
/// <remarks>
/// The constants are native <see cref="Scalar"/>s made once and kept alive by the module. Passing a <see cref="double"/>
/// to <c>sub</c>/<c>mul_</c> would convert it to a temporary <see cref="Scalar"/> that TorchSharp 0.107 never disposes: the
/// finaliser can free it while LibTorch still reads it (seen here as "Unknown scalar type" from <c>mul_</c>), besides
/// leaving two native objects per batch to the garbage collector.
/// </remarks>
internal sealed class NormalizeModule : nn.Module<Tensor, Tensor>
{
    private readonly Scalar _mean;
    private readonly Scalar _scale;

    public NormalizeModule(float mean, float standardDeviation)
        : base(nameof(NormalizeModule))
    {
        _mean = ((double)mean).ToScalar();
        _scale = (1.0 / standardDeviation).ToScalar();
    }

    public override Tensor forward(Tensor input)
    {
        var shifted = input.sub(_mean);
        return shifted.mul_(_scale); // in place: returns the same (new) tensor
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _mean.Dispose();
            _scale.Dispose();
        }

        base.Dispose(disposing);
    }
}
