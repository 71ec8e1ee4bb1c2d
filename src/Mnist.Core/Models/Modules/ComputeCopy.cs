using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Mnist.Models;

/// <summary>
/// A lower-precision copy of a network for <see cref="ComputePrecision.BFloat16"/>: parameters are copied from the
/// float32 master before every step, gradients are copied back as float32 for the optimiser, and batch-norm buffers flow
/// back to the master at the end of each epoch.
/// </summary>
internal sealed class ComputeCopy : IDisposable
{
    private readonly Parameter[] _masterParameters;
    private readonly Parameter[] _computeParameters;
    private readonly (Tensor Master, Tensor Compute)[] _buffers;

    public ComputeCopy(nn.Module<Tensor, Tensor> master, nn.Module<Tensor, Tensor> compute, ScalarType dtype)
    {
        Network = compute;
        DataType = dtype;
        _masterParameters = master.parameters().ToArray();
        _computeParameters = compute.parameters().ToArray();
        if (_masterParameters.Length != _computeParameters.Length)
            throw new InvalidOperationException("The compute copy does not have the master's parameters.");
        var computeBuffers = compute.named_buffers().ToDictionary(b => b.name, b => b.buffer);
        _buffers = master.named_buffers()
            .Where(b => b.buffer.is_floating_point())
            .Select(b => (b.buffer, computeBuffers[b.name]))
            .ToArray();
    }

    /// <summary>The compute network.</summary>
    public nn.Module<Tensor, Tensor> Network { get; }

    /// <summary>Its element type.</summary>
    public ScalarType DataType { get; }

    /// <summary>Whether the master changed since the last full copy (weights loaded or restored).</summary>
    public bool Stale { get; set; } = true;

    /// <summary>Copies the master's parameters (and, when stale, its buffers) into the compute copy.</summary>
    public void PullParameters()
    {
        using var _ = no_grad();
        for (int i = 0; i < _masterParameters.Length; i++) _computeParameters[i].copy_(_masterParameters[i]);
        if (Stale)
        {
            foreach (var (master, compute) in _buffers) compute.copy_(master);
            Stale = false;
        }
    }

    /// <summary>Gives every master parameter the float32 gradient of its compute twin.</summary>
    public void PushGradients()
    {
        for (int i = 0; i < _masterParameters.Length; i++)
        {
            using var grad = _computeParameters[i].grad;
            if (grad is null) continue;
            using var asMaster = grad.to(_masterParameters[i].dtype);
            _masterParameters[i].grad = asMaster;
        }
    }

    /// <summary>Copies the batch-norm moving statistics back to the master.</summary>
    public void PushBuffers()
    {
        using var _ = no_grad();
        foreach (var (master, compute) in _buffers) master.copy_(compute);
    }

    public void Dispose() => Network.Dispose();
}
