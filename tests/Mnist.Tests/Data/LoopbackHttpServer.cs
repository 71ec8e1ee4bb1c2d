using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mnist.Tests.Data;

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 (free port) for downloader tests: serves canned responses per path, can lie about
/// Content-Length and drop the connection (truncation), or stall mid-body. Nothing leaves the loopback interface.
/// </summary>
internal sealed class LoopbackHttpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LoopbackHttpServer()
    {
        _listener.Start();
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _loop = Task.Run(AcceptLoop);
    }

    public Uri BaseAddress { get; }

    /// <summary>Canned responses by path ("/mirror-a/file.gz"); anything else is a 404.</summary>
    public ConcurrentDictionary<string, CannedResponse> Routes { get; } = new();

    public ConcurrentQueue<string> Requests { get; } = new();

    public Uri Mirror(string name) => new(BaseAddress, name + "/");

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => Serve(client));
        }
    }

    private async Task Serve(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                string path = await ReadRequestPath(stream);
                Requests.Enqueue(path);
                var response = Routes.TryGetValue(path, out var canned) ? canned : new CannedResponse(404, "Not Found", []);
                long declared = response.DeclaredLength ?? response.Body.Length;
                string head = string.Create(CultureInfo.InvariantCulture,
                    $"HTTP/1.1 {response.Status} {response.Reason}\r\nContent-Type: application/octet-stream\r\nContent-Length: {declared}\r\nConnection: close\r\n\r\n");
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
                int firstPart = response.StallAfterBytes is { } stall ? Math.Min(stall, response.Body.Length) : response.Body.Length;
                await stream.WriteAsync(response.Body.AsMemory(0, firstPart), _stop.Token);
                await stream.FlushAsync(_stop.Token);
                if (response.StallAfterBytes is not null)
                {
                    await Task.Delay(TimeSpan.FromSeconds(30), _stop.Token);
                    await stream.WriteAsync(response.Body.AsMemory(firstPart), _stop.Token);
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away or the server is stopping.
            }
        }
    }

    private static async Task<string> ReadRequestPath(NetworkStream stream)
    {
        var buffer = new byte[8192];
        int length = 0;
        while (length < buffer.Length)
        {
            int n = await stream.ReadAsync(buffer.AsMemory(length));
            if (n == 0) break;
            length += n;
            if (Encoding.ASCII.GetString(buffer, 0, length).Contains("\r\n\r\n", StringComparison.Ordinal)) break;
        }

        string firstLine = Encoding.ASCII.GetString(buffer, 0, length).Split("\r\n")[0];
        string[] parts = firstLine.Split(' ');
        return parts.Length >= 2 ? parts[1] : "/";
    }
}
