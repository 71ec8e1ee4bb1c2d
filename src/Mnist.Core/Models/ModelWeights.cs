using static TorchSharp.torch;

namespace Mnist.Models;

/// <summary>
/// An immutable snapshot of every parameter and buffer of a <see cref="SequentialModel"/> (its state dictionary), taken
/// by <see cref="SequentialModel.GetWeights"/> and put back by <see cref="SequentialModel.SetWeights"/>, e.g. by a
/// callback that keeps the best epoch's weights. The snapshot owns private copies of the float32 master tensors on the
/// model's device, which nothing else can reach or change; <see cref="GetValues"/> returns managed copies. Dispose it to
/// release the native memory at once. Reading from several threads is safe; <see cref="Dispose"/> must not race with reads.
/// </summary>
public sealed class ModelWeights : IDisposable
{
    private readonly Dictionary<string, Tensor> _tensors;
    private bool _disposed;

    internal ModelWeights(IEnumerable<(string Name, Tensor Tensor)> tensors)
    {
        _tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var names = new List<string>();
        using var _ = no_grad();
        foreach (var (name, tensor) in tensors)
        {
            using var detached = tensor.detach();
            _tensors.Add(name, detached.clone());
            names.Add(name);
        }

        Names = names.AsReadOnly();
    }

    /// <summary>The tensor names in the model's order, e.g. <c>conv2d_1.conv.weight</c>.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Number of tensors.</summary>
    public int Count => Names.Count;

    /// <summary>The dimensions of a tensor (a new array).</summary>
    /// <exception cref="KeyNotFoundException">There is no tensor of that name.</exception>
    /// <exception cref="ObjectDisposedException">The snapshot is disposed.</exception>
    public long[] GetShape(string name) => Get(name).shape;

    /// <summary>The element type of a tensor (float32 for parameters and moving statistics, int64 for batch counters).</summary>
    /// <exception cref="KeyNotFoundException">There is no tensor of that name.</exception>
    /// <exception cref="ObjectDisposedException">The snapshot is disposed.</exception>
    public ScalarType GetDataType(string name) => Get(name).dtype;

    /// <summary>A managed copy of a tensor's values in row-major order, converted to float32.</summary>
    /// <exception cref="KeyNotFoundException">There is no tensor of that name.</exception>
    /// <exception cref="ObjectDisposedException">The snapshot is disposed.</exception>
    public float[] GetValues(string name)
    {
        var tensor = Get(name);
        using var scope = NewDisposeScope();
        return tensor.to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
    }

    /// <summary>Releases the copies.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var tensor in _tensors.Values) tensor.Dispose();
    }

    /// <summary>The owned tensor of <paramref name="name"/> (for <see cref="SequentialModel.SetWeights"/>).</summary>
    internal Tensor Get(string name)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(name);
        return _tensors.TryGetValue(name, out var tensor) ? tensor : throw new KeyNotFoundException($"The snapshot has no tensor '{name}'.");
    }

    /// <summary>The owned tensor of <paramref name="name"/>, or <see langword="null"/>.</summary>
    internal Tensor? Find(string name)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _tensors.GetValueOrDefault(name);
    }
}

/// <summary>
/// <see cref="SequentialModel.SetWeights"/> was given a snapshot of another architecture; the message and
/// <see cref="TensorName"/> name the first tensor that is missing, unexpected, or of another shape or type.
/// </summary>
public sealed class WeightsMismatchException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="tensorName">The first tensor that does not match.</param>
    /// <param name="message">What differs.</param>
    public WeightsMismatchException(string tensorName, string message)
        : base(message, "weights") => TensorName = tensorName;

    /// <summary>The first tensor that does not match.</summary>
    public string TensorName { get; }
}
