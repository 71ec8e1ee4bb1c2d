namespace Mnist.Web.Api;

/// <summary>
/// A refusal of a request: HTTP status, a short machine-readable <see cref="Code"/> (also in the ProblemDetails answer
/// as <c>code</c>) and a message naming the problem. Never carries a stack trace.
/// </summary>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Code">E.g. <c>too-large</c>, <c>unsupported-content-type</c>, <c>undecodable</c>, <c>bad-shape</c>.</param>
/// <param name="Title">A short summary, the same for every request with this code.</param>
/// <param name="Detail">What exactly is wrong with this request.</param>
public sealed record ApiProblem(int Status, string Code, string Title, string Detail)
{
    /// <summary>The ProblemDetails answer (<c>application/problem+json</c>).</summary>
    public IResult ToResult() => TypedResults.Problem(detail: Detail, statusCode: Status, title: Title,
        extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["code"] = Code });

    /// <summary>413: the body is longer than the limit.</summary>
    public static ApiProblem TooLarge(long limit) => new(StatusCodes.Status413RequestEntityTooLarge, "too-large", "Request body too large",
        $"The request body is larger than {limit:N0} bytes, the limit of this server (--max-request-bytes).");

    /// <summary>415: a content type the endpoint does not take.</summary>
    public static ApiProblem UnsupportedContentType(string? contentType) => new(StatusCodes.Status415UnsupportedMediaType, "unsupported-content-type",
        "Unsupported content type",
        (string.IsNullOrEmpty(contentType) ? "The request has no Content-Type." : $"Content-Type '{Shorten(contentType)}' is not accepted.")
        + " Send image/png or image/jpeg (the image as the body), multipart/form-data (the image in a part named 'image'), or application/json ({\"pixels\": …}).");

    /// <summary>400: the request is malformed in the way <paramref name="detail"/> says.</summary>
    public static ApiProblem BadRequest(string code, string detail) => new(StatusCodes.Status400BadRequest, code, TitleOf(code), detail);

    /// <summary>503: there is no model, the queue is full, or the request timed out.</summary>
    public static ApiProblem Unavailable(string code, string detail) => new(StatusCodes.Status503ServiceUnavailable, code, TitleOf(code), detail);

    /// <summary>500: the classifier failed.</summary>
    public static ApiProblem ClassifierFailed(string detail) => new(StatusCodes.Status500InternalServerError, "classifier-failed", "The classifier failed", detail);

    /// <summary>At most 100 characters of a value that came with the request, for a message.</summary>
    internal static string Shorten(string value) => value.Length <= 100 ? value : value[..100] + "…";

    private static string TitleOf(string code) => code switch
    {
        "content-mismatch" => "Content does not match its type",
        "undecodable" => "Image cannot be decoded",
        "image-too-large" => "Image too large",
        "blank" => "No digit in the image",
        "bad-multipart" => "Malformed multipart body",
        "bad-json" => "Malformed JSON",
        "bad-shape" => "Wrong pixel array shape",
        "bad-value" => "Pixel value out of range",
        "bad-query" => "Bad query parameter",
        "no-model" => "No model loaded",
        "busy" => "Server busy",
        "timeout" => "Request timed out",
        _ => "Bad request",
    };
}
