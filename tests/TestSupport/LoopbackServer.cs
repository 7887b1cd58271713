using System.Net;
using System.Net.Sockets;

namespace Beacon.TestSupport;

/// <summary>
/// A real HTTP server on 127.0.0.1 (HttpListener) whose answers the test scripts per request: it records what it
/// was asked (including conditional headers) so tests can check the client's behaviour on the wire.
/// </summary>
internal sealed class LoopbackServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<int, HttpListenerContext, Task> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _count;

    public LoopbackServer(Func<int, HttpListenerContext, Task> handler)
    {
        _handler = handler;
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}";
    public List<(string Path, string? IfNoneMatch, string? IfModifiedSince)> Requests { get; } = [];

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested || !_listener.IsListening)
            {
                return;
            }
            var n = Interlocked.Increment(ref _count);
            lock (Requests)
            {
                Requests.Add((context.Request.Url!.AbsolutePath, context.Request.Headers["If-None-Match"], context.Request.Headers["If-Modified-Since"]));
            }
            _ = Task.Run(async () =>
            {
                try
                {
                    await _handler(n, context);
                }
                catch (Exception) when (_stop.IsCancellationRequested)
                {
                }
                catch (HttpListenerException)
                {
                }
                catch (IOException)
                {
                }
            });
        }
    }

    public static async Task Send(HttpListenerContext context, int status, byte[]? body = null, string? etag = null)
    {
        context.Response.StatusCode = status;
        if (etag is not null)
        {
            context.Response.Headers["ETag"] = etag;
        }
        if (body is not null)
        {
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body);
        }
        context.Response.Close();
    }

    /// <summary>A static file server for <paramref name="folder"/>: each file under it, 404 for anything else.</summary>
    public static LoopbackServer ServeFolder(string folder) => new(async (_, ctx) =>
    {
        var path = FileFor(ctx, folder);
        await Send(ctx, path is null ? 404 : 200, path is null ? null : File.ReadAllBytes(path));
    });

    /// <summary>The file under <paramref name="folder"/> the request's path names, or null when there is none.</summary>
    public static string? FileFor(HttpListenerContext context, string folder)
    {
        var root = Path.GetFullPath(folder);
        var path = Path.GetFullPath(Path.Combine(root, context.Request.Url!.AbsolutePath.TrimStart('/')));
        return path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) && File.Exists(path) ? path : null;
    }

    /// <summary>Announces the full length, sends half, and drops the connection.</summary>
    public static async Task SendTruncated(HttpListenerContext context, byte[] body)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentLength64 = body.Length;
        await context.Response.OutputStream.WriteAsync(body.AsMemory(0, body.Length / 2));
        await context.Response.OutputStream.FlushAsync();
        context.Response.Abort();
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
        }
    }
}
