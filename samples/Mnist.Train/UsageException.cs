namespace Mnist.Train;

/// <summary>A setting or a combination of settings the app refuses before it reads or writes anything (exit code 2).</summary>
internal sealed class UsageException(string message) : Exception(message);
