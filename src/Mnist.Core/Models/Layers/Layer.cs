using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Models;

/// <summary>
/// The immutable description of one layer of a <see cref="SequentialBuilder"/>: it infers its output shape from its
/// input shape and creates the TorchSharp module. Add layers with the builder's extension methods
/// (<c>Conv2D</c>, <c>Dense</c>, …) or derive from this class and call <see cref="SequentialBuilder.Add"/>.
/// </summary>
public abstract class Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="name">Display and parameter-name prefix; <see langword="null"/> for a Keras-style automatic name.</param>
    protected Layer(string? name)
    {
        if (name is not null && (name.Length == 0 || name.Any(c => char.IsWhiteSpace(c) || c == '.')))
            throw new ArgumentException($"Layer name '{name}' must be non-empty and contain neither white space nor '.'.", nameof(name));
        Name = name;
    }

    /// <summary>The name given by the user, or <see langword="null"/> for an automatic one.</summary>
    public string? Name { get; }

    /// <summary>Keras-style type name shown by <c>Summary()</c>, e.g. <c>Conv2D</c>.</summary>
    public abstract string TypeName { get; }

    /// <summary>The activation applied at the end of this layer (for detecting a final softmax).</summary>
    public virtual Activation TrailingActivation => Activation.None;

    /// <summary>Output shape for <paramref name="input"/>.</summary>
    /// <exception cref="ModelBuildException">The layer cannot take this input; the message says why and what to do.</exception>
    public abstract TensorShape ComputeOutputShape(TensorShape input);

    /// <summary>Creates the TorchSharp module for <paramref name="input"/> (already validated by <see cref="ComputeOutputShape"/>).</summary>
    /// <param name="input">The per-sample input shape.</param>
    /// <param name="includeTrailingActivation">
    /// <see langword="false"/> when the model strips a final softmax to train on logits; only called so for layers whose
    /// <see cref="TrailingActivation"/> is not <see cref="Activation.None"/>.
    /// </param>
    public abstract nn.Module<Tensor, Tensor> CreateModule(TensorShape input, bool includeTrailingActivation = true);

    /// <summary>
    /// The tensors the module of <see cref="CreateModule"/> stores in its state dictionary (parameters and buffers, names
    /// relative to the layer), derived from the configuration without creating any tensor, or <see langword="null"/>
    /// when the layer cannot say (the default). Whole-model files are checked against it before the network is built, so
    /// a custom layer that overrides <see cref="GetConfig"/> must override this too to be loadable; the built module must
    /// then store exactly these tensors.
    /// </summary>
    /// <param name="input">The per-sample input shape (already accepted by <see cref="ComputeOutputShape"/>).</param>
    /// <param name="includeTrailingActivation">As for <see cref="CreateModule"/>.</param>
    public virtual IReadOnlyList<StateTensor>? ExpectedState(TensorShape input, bool includeTrailingActivation) => null;

    /// <summary>
    /// Values per sample the layer holds while computing besides its input and output (a convolution's padded input and
    /// unfolded patches); 0 for most layers. Checked arithmetic: overflow throws <see cref="OverflowException"/>.
    /// </summary>
    internal virtual long WorkingElements(TensorShape input, TensorShape output) => 0;

    /// <summary>
    /// The layer's configuration for whole-model files (Keras <c>get_config</c>), or <see langword="null"/> when it cannot
    /// be stored (the default; Lambda and module layers hold code). Every call returns a new object. The keys
    /// <c>type</c> and <c>name</c> are reserved. A custom layer that returns a configuration is saved under its
    /// <see cref="TypeName"/> and is loaded by the factory registered for that name in <see cref="CustomLayers"/>.
    /// </summary>
    public virtual JsonObject? GetConfig() => null;

    /// <summary>Creates a <see cref="ModelBuildException"/> (the builder adds the layer's position and name).</summary>
    protected static ModelBuildException Invalid(string message) => new(message);

    /// <summary>Requires an image input (channels, height, width).</summary>
    protected TensorShape RequireImage(TensorShape input)
    {
        if (input.Rank != 3)
            throw Invalid($"{TypeName} needs an image input (channels, height, width) but gets {input}.");
        return input;
    }
}
