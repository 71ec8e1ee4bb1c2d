namespace Mnist.Models;

/// <summary>Element-wise activation functions (Keras names in brackets).</summary>
public enum Activation
{
    /// <summary>No activation ("linear").</summary>
    None = 0,
    /// <summary>max(0, x) ("relu").</summary>
    ReLU,
    /// <summary>Softmax over the feature axis ("softmax"); a model ending in it is trained on the logits before it.</summary>
    Softmax,
    /// <summary>Log-softmax over the feature axis; also stripped for training like <see cref="Softmax"/>.</summary>
    LogSoftmax,
    /// <summary>Logistic sigmoid ("sigmoid").</summary>
    Sigmoid,
    /// <summary>Hyperbolic tangent ("tanh").</summary>
    Tanh,
    /// <summary>Leaky ReLU with slope 0.01 for negative inputs.</summary>
    LeakyReLU,
    /// <summary>Exponential linear unit ("elu").</summary>
    ELU,
    /// <summary>Gaussian error linear unit ("gelu").</summary>
    GELU,
}
