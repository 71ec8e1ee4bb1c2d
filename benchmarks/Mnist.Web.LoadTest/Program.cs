using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

// Load test of a running Mnist.Web (docs/web.md): --requests uploads of the demo digit images from --concurrency clients,
// against a loopback address only, stopping after --max-seconds at the latest. Prints throughput, latency percentiles,
// errors by status, and how many answers matched the digit named in the file name.
var settings = Settings.Parse(args);
if (settings is null) return 2;

var images = Directory.GetFiles(settings.Images)
    .Where(f => f.EndsWith(".png", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase))
    .Order(StringComparer.Ordinal)
    .Select(f => (Name: Path.GetFileName(f), Label: Path.GetFileName(f).Split('-')[1], Bytes: File.ReadAllBytes(f),
        Type: f.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? "image/png" : "image/jpeg"))
    .ToArray();
if (images.Length == 0)
{
    Console.Error.WriteLine($"error: no .png or .jpg images in {settings.Images}");
    return 2;
}

using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = settings.Concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
using var client = new HttpClient(handler) { BaseAddress = settings.Url, Timeout = TimeSpan.FromSeconds(30) };
string endpoint = "api/predict?top=1";

async Task<(HttpStatusCode? Status, double Milliseconds, bool Right)> SendAsync(int i, CancellationToken token)
{
    var image = images[i % images.Length];
    using var content = new ByteArrayContent(image.Bytes);
    content.Headers.ContentType = new MediaTypeHeaderValue(image.Type);
    var watch = Stopwatch.StartNew();
    try
    {
        using var response = await client.PostAsync(endpoint, content, token);
        string body = await response.Content.ReadAsStringAsync(token);
        watch.Stop();
        bool right = response.IsSuccessStatusCode
                     && JsonDocument.Parse(body).RootElement.GetProperty("prediction").GetProperty("name").GetString() == image.Label;
        return (response.StatusCode, watch.Elapsed.TotalMilliseconds, right);
    }
    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
    {
        return (null, watch.Elapsed.TotalMilliseconds, false);
    }
}

Console.WriteLine($"Target {settings.Url}  {settings.Requests:N0} requests, {settings.Concurrency} concurrent clients, at most {settings.MaxSeconds} s; {images.Length} images ({string.Join(", ", images.Select(i => i.Name))})");
using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(settings.MaxSeconds));
for (int i = 0; i < settings.Warmup; i++) await SendAsync(i, limit.Token);

var results = new List<(HttpStatusCode? Status, double Milliseconds, bool Right)>(settings.Requests);
int next = -1;
var total = Stopwatch.StartNew();
var clients = Enumerable.Range(0, settings.Concurrency).Select(async _ =>
{
    var mine = new List<(HttpStatusCode?, double, bool)>();
    int i;
    while ((i = Interlocked.Increment(ref next)) < settings.Requests && !limit.IsCancellationRequested) mine.Add(await SendAsync(i, limit.Token));
    return mine;
}).ToArray();
foreach (var mine in await Task.WhenAll(clients)) results.AddRange(mine);
total.Stop();

var latencies = results.Select(r => r.Milliseconds).Order().ToArray();
double Percentile(double p) => latencies.Length == 0 ? double.NaN : latencies[Math.Clamp((int)Math.Ceiling(p / 100 * latencies.Length) - 1, 0, latencies.Length - 1)];
int ok = results.Count(r => r.Status == HttpStatusCode.OK);
var errors = results.Where(r => r.Status != HttpStatusCode.OK).GroupBy(r => r.Status?.ToString() ?? "no answer").Select(g => $"{g.Key} ×{g.Count()}").ToArray();
var inv = CultureInfo.InvariantCulture;
Console.WriteLine(string.Create(inv, $"Completed {results.Count:N0} of {settings.Requests:N0} in {total.Elapsed.TotalSeconds:0.00} s{(limit.IsCancellationRequested ? " (stopped at --max-seconds)" : "")}"));
Console.WriteLine(string.Create(inv, $"Throughput {results.Count / total.Elapsed.TotalSeconds:0.0} requests/s"));
Console.WriteLine(string.Create(inv, $"Latency ms  p50 {Percentile(50):0.0}  p90 {Percentile(90):0.0}  p99 {Percentile(99):0.0}  max {latencies.LastOrDefault():0.0}"));
Console.WriteLine($"OK {ok:N0}, errors {results.Count - ok:N0}{(errors.Length > 0 ? " (" + string.Join(", ", errors) + ")" : "")}; answers matching the file's digit {results.Count(r => r.Right):N0}");
return results.Count - ok == 0 && results.Count == settings.Requests ? 0 : 1;

/// <summary>The command line.</summary>
internal sealed record Settings(Uri Url, int Requests, int Concurrency, int MaxSeconds, int Warmup, string Images)
{
    private const int MaxRequests = 100_000;
    private const int MaxConcurrency = 256;
    private const int MaxDuration = 600;

    public static Settings? Parse(string[] args)
    {
        string url = "http://127.0.0.1:5000/", images = Path.Combine(FindRepoRoot() ?? ".", "samples", "Mnist.Predict", "images");
        int requests = 1000, concurrency = 16, maxSeconds = 120, warmup = 20;
        for (int i = 0; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : "";
            switch (args[i])
            {
                case "--url": url = value; i++; break;
                case "--requests": requests = Int(value); i++; break;
                case "--concurrency": concurrency = Int(value); i++; break;
                case "--max-seconds": maxSeconds = Int(value); i++; break;
                case "--warmup": warmup = Int(value); i++; break;
                case "--images": images = value; i++; break;
                default:
                    Console.Error.WriteLine($"error: unknown argument {args[i]}. Options: --url {url} --requests {requests} --concurrency {concurrency} --max-seconds {maxSeconds} --warmup {warmup} --images <folder>");
                    return null;
            }
        }

        if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            return Fail($"--url {url} is not an http(s) URL.");
        if (!IsLoopback(uri)) return Fail($"--url {url}: this load test only targets the loopback interface (localhost, 127.0.0.0/8, [::1]).");
        if (requests is < 1 or > MaxRequests) return Fail($"--requests must be 1 to {MaxRequests:N0}.");
        if (concurrency is < 1 or > MaxConcurrency) return Fail($"--concurrency must be 1 to {MaxConcurrency}.");
        if (maxSeconds is < 1 or > MaxDuration) return Fail($"--max-seconds must be 1 to {MaxDuration}.");
        if (warmup is < 0 or > 1000) return Fail("--warmup must be 0 to 1,000.");
        if (!Directory.Exists(images)) return Fail($"--images {images}: no such folder.");
        return new Settings(uri, requests, concurrency, maxSeconds, warmup, images);
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static int Int(string value) => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : -1;

    private static Settings? Fail(string message)
    {
        Console.Error.WriteLine("error: " + message);
        return null;
    }

    private static string? FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Mnist.sln"))) return dir.FullName;
        }

        return null;
    }
}
