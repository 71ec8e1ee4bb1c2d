using System.Reflection;
using System.Security.Cryptography;

namespace Mnist.Web.Web;

/// <summary>
/// The page's files (wwwroot/, embedded in the assembly at build time), served from memory at fixed routes. No request
/// path is ever turned into a file-system path.
/// </summary>
internal static class StaticAssets
{
    /// <summary>The Content-Security-Policy of the page: its own scripts and styles only, images from data: URLs, no framing.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    };

    /// <summary>Maps <c>GET /</c> to index.html and <c>GET /&lt;name&gt;</c> to every other embedded file.</summary>
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var assembly = typeof(StaticAssets).Assembly;
        foreach (string resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("wwwroot/", StringComparison.Ordinal)))
        {
            string name = resource["wwwroot/".Length..];
            var asset = Load(assembly, resource, name);
            string route = name == "index.html" ? "/" : "/" + name;
            endpoints.MapGet(route, (HttpContext context) => Serve(context, asset)).ExcludeFromDescription();
        }
    }

    private static Asset Load(Assembly assembly, string resource, string name)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var bytes = buffer.ToArray();
        string type = ContentTypes.TryGetValue(Path.GetExtension(name), out var known) ? known : "application/octet-stream";
        return new Asset(bytes, type, "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 12)) + "\"");
    }

    private static IResult Serve(HttpContext context, Asset asset)
    {
        var headers = context.Response.Headers;
        headers.ETag = asset.ETag;
        headers.CacheControl = "no-cache"; // revalidate: a restarted app may serve a new page
        if (asset.ContentType.StartsWith("text/html", StringComparison.Ordinal)) headers.ContentSecurityPolicy = ContentSecurityPolicy;
        if (context.Request.Headers.IfNoneMatch == asset.ETag) return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(asset.Bytes, asset.ContentType);
    }

    private sealed record Asset(byte[] Bytes, string ContentType, string ETag);
}
