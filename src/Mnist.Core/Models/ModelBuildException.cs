namespace Mnist.Models;

/// <summary>
/// The layer stack given to <see cref="SequentialBuilder"/> cannot be built; the message names the first offending layer
/// and the shapes involved.
/// </summary>
public sealed class ModelBuildException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public ModelBuildException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
