using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Mnist.Web.Api;

/// <summary>What a <c>POST /api/predict</c> body holds once read and checked.</summary>
internal abstract record PredictInput
{
    /// <summary>A PNG or JPEG file (its signature checked against the declared type), to be preprocessed.</summary>
    public sealed record EncodedImage(byte[] Bytes) : PredictInput;

    /// <summary>An S × S array of finite values in [0, 255], fed to the classifier as is.</summary>
    public sealed record PixelArray(float[] Pixels) : PredictInput;
}

/// <summary>
/// Reads and checks the body of <c>POST /api/predict</c>: at most the byte limit (counted while reading, whatever
/// Content-Length says), of an accepted content type, whose content matches that type. Works on bytes in memory only.
/// </summary>
internal static class PredictRequestReader
{
    private const int MaxMultipartSections = 8;

    /// <summary>Reads the body; returns the input or the problem.</summary>
    public static async Task<(PredictInput? Input, ApiProblem? Problem)> ReadAsync(HttpRequest request, long limit, int imageSize, CancellationToken cancellationToken)
    {
        string? contentType = request.ContentType;
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType) || mediaType.MediaType.Value is not { } type)
            return (null, ApiProblem.UnsupportedContentType(contentType));
        type = type.ToLowerInvariant();
        if (type is not ("image/png" or "image/jpeg" or "multipart/form-data" or "application/json"))
            return (null, ApiProblem.UnsupportedContentType(contentType));

        if (request.ContentLength > limit) return (null, ApiProblem.TooLarge(limit));
        byte[]? body;
        try
        {
            body = await ReadBoundedAsync(request.Body, limit, cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, ApiProblem.TooLarge(limit)); // Kestrel's own limit (the same number) hit first
        }

        if (body is null) return (null, ApiProblem.TooLarge(limit));
        return type switch
        {
            "image/png" => CheckImage(body, "image/png"),
            "image/jpeg" => CheckImage(body, "image/jpeg"),
            "application/json" => ReadPixels(body, imageSize),
            _ => await ReadMultipartAsync(body, mediaType, limit, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary>The whole stream, or <see langword="null"/> when it is longer than <paramref name="limit"/> bytes.</summary>
    internal static async Task<byte[]?> ReadBoundedAsync(Stream stream, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        while (true)
        {
            int read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
            if (read == 0) return buffer.ToArray();
            if (buffer.Length + read > limit) return null;
            buffer.Write(chunk, 0, read);
        }
    }

    /// <summary>The format whose signature <paramref name="bytes"/> starts with: <c>image/png</c>, <c>image/jpeg</c> or <see langword="null"/>.</summary>
    internal static string? Sniff(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])) return "image/png";
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return "image/jpeg";
        return null;
    }

    private static (PredictInput?, ApiProblem?) CheckImage(byte[] bytes, string declared)
    {
        if (bytes.Length == 0) return (null, ApiProblem.BadRequest("undecodable", $"The body is empty; expected a {Describe(declared)} file."));
        string? actual = Sniff(bytes);
        if (actual != declared)
        {
            string what = actual is null ? "neither a PNG nor a JPEG file" : $"a {Describe(actual)} file";
            return (null, ApiProblem.BadRequest("content-mismatch", $"The body is declared {declared} but is {what} (checked from its first bytes)."));
        }

        return (new PredictInput.EncodedImage(bytes), null);
    }

    private static string Describe(string type) => type == "image/png" ? "PNG" : "JPEG";

    private static async Task<(PredictInput?, ApiProblem?)> ReadMultipartAsync(byte[] body, MediaTypeHeaderValue mediaType, long limit, CancellationToken cancellationToken)
    {
        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 200)
            return (null, ApiProblem.BadRequest("bad-multipart", "The multipart/form-data Content-Type has no valid boundary parameter."));
        var reader = new MultipartReader(boundary, new MemoryStream(body, writable: false))
        {
            HeadersCountLimit = 16,
            HeadersLengthLimit = 16 * 1024,
            BodyLengthLimit = limit,
        };
        try
        {
            for (int i = 0; i < MaxMultipartSections; i++)
            {
                var section = await reader.ReadNextSectionAsync(cancellationToken).ConfigureAwait(false);
                if (section is null) break;
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase)
                    || !string.Equals(HeaderUtilities.RemoveQuotes(disposition.Name).Value, "image", StringComparison.Ordinal))
                {
                    continue;
                }

                var bytes = await ReadBoundedAsync(section.Body, limit, cancellationToken).ConfigureAwait(false);
                if (bytes is null) return (null, ApiProblem.TooLarge(limit));
                string? declared = null;
                if (section.ContentType is { Length: > 0 } partType && MediaTypeHeaderValue.TryParse(partType, out var partMedia))
                    declared = partMedia.MediaType.Value?.ToLowerInvariant();
                if (declared is null or "application/octet-stream") declared = Sniff(bytes) ?? "image/png";
                if (declared is not ("image/png" or "image/jpeg"))
                {
                    return (null, ApiProblem.BadRequest("content-mismatch",
                        $"The part 'image' is declared {ApiProblem.Shorten(declared)}; send a PNG (image/png) or JPEG (image/jpeg) file."));
                }

                return CheckImage(bytes, declared);
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or FormatException)
        {
            return (null, ApiProblem.BadRequest("bad-multipart", "The multipart/form-data body is malformed: " + ex.Message));
        }

        return (null, ApiProblem.BadRequest("bad-multipart", "The multipart/form-data body has no part named 'image' (e.g. curl -F image=@digit.png)."));
    }

    private static (PredictInput?, ApiProblem?) ReadPixels(byte[] body, int size)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException ex)
        {
            return (null, ApiProblem.BadRequest("bad-json", "The body is not valid JSON: " + ex.Message
                + " (JSON has no NaN or Infinity: every pixel must be a finite number.)"));
        }

        using (document)
        {
            string expected = string.Create(CultureInfo.InvariantCulture, $"{size} rows of {size} numbers, or {size * size} numbers");
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !TryGetPixels(root, out var pixels))
                return (null, ApiProblem.BadRequest("bad-shape", $"The JSON body must be an object {{\"pixels\": …}} holding {expected}."));
            if (pixels.ValueKind != JsonValueKind.Array)
                return (null, ApiProblem.BadRequest("bad-shape", $"\"pixels\" is {Kind(pixels)}; it must hold {expected}."));

            int length = pixels.GetArrayLength();
            var values = new float[size * size];
            bool nested = length > 0 && pixels[0].ValueKind == JsonValueKind.Array;
            if (nested)
            {
                if (length != size) return (null, ApiProblem.BadRequest("bad-shape", $"\"pixels\" has {length} row{(length == 1 ? "" : "s")}; it must hold {expected}."));
                for (int y = 0; y < size; y++)
                {
                    var row = pixels[y];
                    if (row.ValueKind != JsonValueKind.Array)
                        return (null, ApiProblem.BadRequest("bad-shape", $"pixels[{y}] is {Kind(row)}, not a row of {size} numbers."));
                    if (row.GetArrayLength() != size)
                        return (null, ApiProblem.BadRequest("bad-shape", $"pixels[{y}] has {row.GetArrayLength()} value{(row.GetArrayLength() == 1 ? "" : "s")}; every row must have {size}."));
                    for (int x = 0; x < size; x++)
                    {
                        if (Value(row[x], $"pixels[{y}][{x}]", out values[(y * size) + x]) is { } problem) return (null, problem);
                    }
                }
            }
            else
            {
                if (length != size * size) return (null, ApiProblem.BadRequest("bad-shape", $"\"pixels\" has {length} value{(length == 1 ? "" : "s")}; it must hold {expected}."));
                for (int i = 0; i < length; i++)
                {
                    if (Value(pixels[i], $"pixels[{i}]", out values[i]) is { } problem) return (null, problem);
                }
            }

            return (new PredictInput.PixelArray(values), null);
        }
    }

    private static bool TryGetPixels(JsonElement root, out JsonElement pixels)
    {
        foreach (var property in root.EnumerateObject())
        {
            if (string.Equals(property.Name, "pixels", StringComparison.OrdinalIgnoreCase))
            {
                pixels = property.Value;
                return true;
            }
        }

        pixels = default;
        return false;
    }

    private static ApiProblem? Value(JsonElement element, string where, out float value)
    {
        value = 0;
        if (element.ValueKind != JsonValueKind.Number)
            return ApiProblem.BadRequest(element.ValueKind == JsonValueKind.Array ? "bad-shape" : "bad-value", $"{where} is {Kind(element)}, not a number from 0 to 255.");
        if (!element.TryGetDouble(out double number) || !double.IsFinite(number))
            return ApiProblem.BadRequest("bad-value", $"{where} is not a finite number.");
        if (number is < 0 or > 255)
            return ApiProblem.BadRequest("bad-value", string.Create(CultureInfo.InvariantCulture, $"{where} is {number}; pixels must be from 0 (background) to 255 (ink)."));
        value = (float)number;
        return null;
    }

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.String => "a string",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "a number",
    };
}
