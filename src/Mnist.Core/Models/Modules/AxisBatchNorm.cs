using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Mnist.Models;

/// <summary>
/// Batch normalisation over an arbitrary axis (Keras <c>BatchNormalization(axis=…)</c>): statistics are taken over every
/// other axis. With axis 3 on (N, C, H, W) it reproduces Keras 1's default on Theano-ordered images, which normalises the
/// width axis.
/// </summary>
internal sealed class AxisBatchNorm : nn.Module<Tensor, Tensor>
{
    private readonly BatchNorm1d bn;
    private readonly int _axis;

    public AxisBatchNorm(int axis, int features, double epsilon, double torchMomentum)
        : base(nameof(AxisBatchNorm))
    {
        _axis = axis;
        bn = nn.BatchNorm1d(features, eps: epsilon, momentum: torchMomentum);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var moved = input.movedim([(long)_axis], [1L]);
        var shape = moved.shape;
        var flat = moved.reshape(shape[0], shape[1], -1);
        var normalised = bn.forward(flat).reshape(shape).movedim([1L], [(long)_axis]);
        return normalised.contiguous().MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) bn.Dispose();
        base.Dispose(disposing);
    }
}
