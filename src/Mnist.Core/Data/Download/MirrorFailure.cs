namespace Mnist.Data;

/// <summary>Why one download attempt from one mirror failed.</summary>
/// <param name="Source">The URL tried.</param>
/// <param name="Reason">What went wrong, e.g. "HTTP 404 (Not Found)" or a checksum mismatch.</param>
public sealed record MirrorFailure(Uri Source, string Reason)
{
    /// <summary>"url: reason".</summary>
    public override string ToString() => $"{Source}: {Reason}";
}
