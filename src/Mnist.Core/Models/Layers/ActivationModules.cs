using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Models;

/// <summary>Creates TorchSharp modules for <see cref="Activation"/> values.</summary>
internal static class ActivationModules
{
    public static nn.Module<Tensor, Tensor>? Create(Activation activation) => activation switch
    {
        Activation.None => null,
        Activation.ReLU => nn.ReLU(),
        Activation.Softmax => nn.Softmax(1),
        Activation.LogSoftmax => nn.LogSoftmax(1),
        Activation.Sigmoid => nn.Sigmoid(),
        Activation.Tanh => nn.Tanh(),
        Activation.LeakyReLU => nn.LeakyReLU(0.01),
        Activation.ELU => nn.ELU(),
        Activation.GELU => nn.GELU(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };

    public static string KerasName(Activation activation) => activation switch
    {
        Activation.None => "linear",
        _ => activation.ToString().ToLowerInvariant(),
    };

    /// <summary>Chains modules, skipping nulls; a single module is returned as is.</summary>
    public static nn.Module<Tensor, Tensor> Chain(params (string Name, nn.Module<Tensor, Tensor>? Module)[] parts)
    {
        var present = parts.Where(p => p.Module is not null).Select(p => (p.Name, p.Module!)).ToArray();
        return present.Length == 1 ? present[0].Item2 : nn.Sequential(present);
    }
}
