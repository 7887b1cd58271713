using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Beacon.Integration.Tests.Workflows;

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of the test registry that can stop a push in the middle: while
/// <see cref="HoldUploads"/> is set, the first request that uploads a blob's bytes (<c>PUT</c> or <c>PATCH</c> on
/// <c>/blobs/uploads/</c>) is forwarded up to half of what has arrived of it and then held — the registry has an
/// upload session with part of a blob — and <see cref="Held"/> completes, so the test can kill the pusher right there.
/// </summary>
internal sealed class HoldingProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _host;
    private readonly int _port;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HoldingProxy(string registry)
    {
        var colon = registry.LastIndexOf(':');
        _host = registry[..colon];
        _port = int.Parse(registry[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        _listener.Start();
        _ = Task.Run(AcceptAsync);
    }

    /// <summary>The proxy's address (host:port), used as the registry.</summary>
    public string Address => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public volatile bool HoldUploads;

    /// <summary>Completes when an upload is held.</summary>
    public Task Held => _held.Task;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        using var server = new TcpClient();
        try
        {
            await server.ConnectAsync(_host, _port, _stop.Token);
            var up = Task.Run(() => PumpAsync(client.GetStream(), server.GetStream(), inspect: true));
            var down = Task.Run(() => PumpAsync(server.GetStream(), client.GetStream(), inspect: false));
            await Task.WhenAny(up, down);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool inspect)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var read = await from.ReadAsync(buffer, _stop.Token);
            if (read == 0)
            {
                return;
            }
            if (inspect && HoldUploads && !_held.Task.IsCompleted && UploadStart(buffer.AsSpan(0, read)) is { } start)
            {
                // Forward the request's head and half of the body bytes that came with it, then nothing more.
                var headEnd = Encoding.ASCII.GetString(buffer, start, read - start).IndexOf("\r\n\r\n", StringComparison.Ordinal);
                var forward = headEnd < 0 ? read : start + headEnd + 4 + (read - (start + headEnd + 4)) / 2;
                await to.WriteAsync(buffer.AsMemory(0, forward), _stop.Token);
                await to.FlushAsync(_stop.Token);
                _held.TrySetResult();
                await Task.Delay(Timeout.Infinite, _stop.Token);
            }
            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }

    private static int? UploadStart(ReadOnlySpan<byte> chunk)
    {
        var text = Encoding.ASCII.GetString(chunk);
        foreach (var method in new[] { "PUT /v2/", "PATCH /v2/" })
        {
            var at = text.IndexOf(method, StringComparison.Ordinal);
            if (at >= 0)
            {
                var lineEnd = text.IndexOf("\r\n", at, StringComparison.Ordinal);
                var line = lineEnd < 0 ? text[at..] : text[at..lineEnd];
                if (line.Contains("/blobs/uploads/", StringComparison.Ordinal))
                {
                    return at;
                }
            }
        }
        return null;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }
}
