using Mnist.Models;

namespace Mnist.Models;

/// <summary>
/// What <see cref="SequentialBuilder.Build"/> would create, computed without creating it: the resolved layers with the
/// tensors each stores, the total number of stored values and the largest number of values one sample occupies.
/// </summary>
/// <param name="Layers">The layers in order.</param>
/// <param name="StripsSoftmax">Whether the final softmax is applied outside the network (then the last layer's module omits it).</param>
/// <param name="StateKnown">Whether every layer could describe its state (false with Lambda or custom-module layers).</param>
/// <param name="StateElements">Values stored by the layers that could describe their state.</param>
/// <param name="PeakActivationElements">Largest per-sample value count: input, any layer's output or working set.</param>
internal sealed record ModelPlan(IReadOnlyList<PlannedLayer> Layers, bool StripsSoftmax, bool StateKnown, long StateElements, long PeakActivationElements)
{
    /// <summary>Every expected state tensor with its full name (<c>layer.tensor</c>), when <see cref="StateKnown"/>.</summary>
    public IEnumerable<StateTensor> ExpectedState() =>
        Layers.SelectMany(l => (l.State ?? []).Select(t => t with { Name = l.Name + "." + t.Name }));
}

/// <summary>One layer of a <see cref="ModelPlan"/>.</summary>
/// <param name="Name">Assigned name.</param>
/// <param name="Layer">The description.</param>
/// <param name="Input">Per-sample input shape.</param>
/// <param name="Output">Per-sample output shape.</param>
/// <param name="State">Tensors the module stores (names relative to the layer), or <see langword="null"/> for code layers.</param>
/// <param name="StateElements">Values in <paramref name="State"/>.</param>
/// <param name="PeakElements">Largest per-sample value count of the layer (output or working set).</param>
internal sealed record PlannedLayer(string Name, Layer Layer, TensorShape Input, TensorShape Output, IReadOnlyList<StateTensor>? State, long StateElements, long PeakElements);
