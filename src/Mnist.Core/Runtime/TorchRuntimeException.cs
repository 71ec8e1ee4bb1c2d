namespace Mnist;

/// <summary>Thrown when LibTorch cannot be loaded or the requested device is unavailable.</summary>
public sealed class TorchRuntimeException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed and how to fix it.</param>
    /// <param name="innerException">The loader's original error.</param>
    public TorchRuntimeException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
