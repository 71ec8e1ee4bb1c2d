namespace Mnist.Tests.Data;

/// <summary>One canned HTTP response.</summary>
/// <param name="Status">Status code.</param>
/// <param name="Reason">Reason phrase.</param>
/// <param name="Body">Bytes actually sent.</param>
/// <param name="DeclaredLength">Content-Length to announce (defaults to the body length; larger = truncated transfer).</param>
/// <param name="StallAfterBytes">Send this many body bytes, then wait 30 s before the rest (for cancellation tests).</param>
internal sealed record CannedResponse(int Status, string Reason, byte[] Body, long? DeclaredLength = null, int? StallAfterBytes = null)
{
    public static CannedResponse Ok(byte[] body) => new(200, "OK", body);
}
