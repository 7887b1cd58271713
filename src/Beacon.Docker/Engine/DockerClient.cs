using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Beacon.Docker.Engine;

/// <summary>
/// A small client for the Docker Engine API over its unix socket (or tcp://), for the calls Beacon makes: inspect,
/// history, build, pull, push, tag and remove images; create, start, wait, kill, read the logs of and remove
/// containers. Written here rather than taken from Docker.DotNet because that library serialises through
/// Newtonsoft.Json reflection, which Native AOT cannot compile (dotnet/Docker.DotNet#689); the API is plain HTTP and
/// JSON, read and written with System.Text.Json source generation.
/// </summary>
public sealed class DockerClient : IDisposable
{
    /// <summary>The API version every request names: Docker 20.10's, which later engines still accept.</summary>
    public const string ApiVersion = "v1.41";

    private const string DefaultEndpoint = "unix:///var/run/docker.sock";
    private readonly HttpClient _http;

    private DockerClient(Uri endpoint, HttpMessageHandler handler, Uri baseAddress)
    {
        Endpoint = endpoint;
        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Where the engine was looked for: DOCKER_HOST, or the default unix socket.</summary>
    public Uri Endpoint { get; }

    public static string EndpointFrom(Func<string, string?>? environment = null) =>
        (environment ?? Environment.GetEnvironmentVariable)("DOCKER_HOST") is { Length: > 0 } host ? host : DefaultEndpoint;

    /// <summary>A client for DOCKER_HOST (unix://path, tcp://host:port or http://host:port) or the default socket.</summary>
    public static DockerClient Connect(Func<string, string?>? environment = null)
    {
        var text = EndpointFrom(environment);
        if (!Uri.TryCreate(text, UriKind.Absolute, out var endpoint))
        {
            throw new DockerUnavailableException($"DOCKER_HOST '{text}' is not an address (unix:///path/to/docker.sock or tcp://host:port)");
        }
        switch (endpoint.Scheme)
        {
            case "unix":
                var socketPath = endpoint.LocalPath;
                var handler = new SocketsHttpHandler
                {
                    ConnectCallback = async (_, token) =>
                    {
                        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                        try
                        {
                            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), token);
                            return new NetworkStream(socket, ownsSocket: true);
                        }
                        catch
                        {
                            socket.Dispose();
                            throw;
                        }
                    },
                };
                return new DockerClient(endpoint, handler, new Uri($"http://docker/{ApiVersion}/"));
            case "tcp":
            case "http":
                return new DockerClient(endpoint, new SocketsHttpHandler(), new Uri($"http://{endpoint.Authority}/{ApiVersion}/"));
            default:
                throw new DockerUnavailableException($"DOCKER_HOST '{text}' uses '{endpoint.Scheme}'; Beacon speaks to unix:// and tcp:// engines");
        }
    }

    /// <summary>Fails fast, with a readable message, when nothing answers on the endpoint.</summary>
    public async Task PingAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            using var response = await _http.GetAsync("_ping", timeout.Token);
            response.EnsureSuccessStatusCode();
        }
        catch (Exception e) when (e is HttpRequestException or IOException or SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var reason = e is OperationCanceledException ? "no answer within 10 s" : (e.GetBaseException() as SocketException)?.SocketErrorCode switch
            {
                SocketError.AddressNotAvailable or SocketError.AddressFamilyNotSupported => "no socket there",
                SocketError.ConnectionRefused => "connection refused",
                SocketError.AccessDenied => "permission denied",
                _ => e.GetBaseException().Message,
            };
            throw new DockerUnavailableException($"no Docker engine answers at {Endpoint} ({reason}); start one (scripts/services.sh up) or set DOCKER_HOST", e);
        }
    }

    /// <summary>The image, or null when the engine does not have it.</summary>
    public async Task<ImageInspect?> InspectImageAsync(string reference, CancellationToken cancellationToken = default)
    {
        try
        {
            return await GetJsonAsync($"images/{reference}/json", DockerJson.Default.ImageInspect, cancellationToken);
        }
        catch (DockerNotFoundException)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<ImageHistoryItem>> ImageHistoryAsync(string reference, CancellationToken cancellationToken = default) =>
        await GetJsonAsync($"images/{reference}/history", DockerJson.Default.ListImageHistoryItem, cancellationToken);

    /// <summary>
    /// Builds a Dockerfile context (a tar stream) with the classic builder. Every progress line reaches
    /// <paramref name="progress"/>; a failed step ends the build with a <see cref="DockerApiException"/> naming the step.
    /// </summary>
    /// <param name="platform">os/architecture to build for (what `docker build --platform` sends); null: the engine's own.</param>
    public async Task BuildAsync(Stream context, string tag, IReadOnlyDictionary<string, string> buildArgs, Action<ProgressMessage>? progress,
        string? platform = null, CancellationToken cancellationToken = default)
    {
        var query = Query([("t", tag), ("dockerfile", "Dockerfile"), ("rm", "1"), ("forcerm", "1"),
            ("buildargs", JsonSerializer.Serialize(buildArgs.ToDictionary(), DockerJson.Default.DictionaryStringString)), .. platform is null ? [] : new[] { ("platform", platform) }]);
        using var content = new StreamContent(context);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        await StreamAsync(HttpMethod.Post, "build" + query, content, null, progress, cancellationToken);
    }

    /// <summary>Pulls <paramref name="image"/> (a name with a tag or a digest) from its registry.</summary>
    public Task PullAsync(string image, RegistryAuth? auth, Action<ProgressMessage>? progress, CancellationToken cancellationToken = default) =>
        StreamAsync(HttpMethod.Post, "images/create" + Query(("fromImage", image)), null, auth, progress, cancellationToken);

    /// <summary>Pushes <paramref name="repository"/>:<paramref name="tag"/>; returns the manifest digest the registry answered.</summary>
    public async Task<string> PushAsync(string repository, string tag, RegistryAuth? auth, Action<ProgressMessage>? progress,
        CancellationToken cancellationToken = default)
    {
        string? digest = null;
        await StreamAsync(HttpMethod.Post, $"images/{repository}/push" + Query(("tag", tag)), null, auth, message =>
        {
            digest ??= message.Aux?.Digest;
            progress?.Invoke(message);
        }, cancellationToken);
        return digest ?? throw new DockerApiException(500, $"the push of {repository}:{tag} ended without a digest from the registry");
    }

    public async Task TagAsync(string source, string repository, string tag, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Post, $"images/{source}/tag" + Query(("repo", repository), ("tag", tag)), null, null, cancellationToken);
    }

    /// <summary>Writes the image as the engine exports it (<c>docker save</c>: a tar of its layers, config and manifest.json) to <paramref name="path"/>.</summary>
    public async Task SaveImageAsync(string reference, string path, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, $"images/{reference}/get", null, null, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await body.CopyToAsync(file, cancellationToken);
    }

    public async Task RemoveImageAsync(string reference, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Delete, $"images/{reference}" + Query(("force", "1")), null, null, cancellationToken);
    }

    public async Task<string> CreateContainerAsync(ContainerCreate spec, CancellationToken cancellationToken = default)
    {
        using var content = new StringContent(JsonSerializer.Serialize(spec, DockerJson.Default.ContainerCreate), Encoding.UTF8, "application/json");
        using var response = await SendAsync(HttpMethod.Post, "containers/create", content, null, cancellationToken);
        return (await ReadJsonAsync(response, DockerJson.Default.ContainerCreated, cancellationToken)).Id;
    }

    public async Task StartContainerAsync(string id, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Post, $"containers/{id}/start", null, null, cancellationToken);
    }

    /// <summary>Waits for the container to stop and returns its exit code.</summary>
    public async Task<long> WaitContainerAsync(string id, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Post, $"containers/{id}/wait", null, null, cancellationToken);
        return (await ReadJsonAsync(response, DockerJson.Default.ContainerWaited, cancellationToken)).StatusCode;
    }

    public async Task KillContainerAsync(string id, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Post, $"containers/{id}/kill", null, null, cancellationToken);
    }

    /// <summary>The container's stdout and stderr so far (a container without a TTY: the multiplexed log stream).</summary>
    public async Task<(string Stdout, string Stderr)> ContainerLogsAsync(string id, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, $"containers/{id}/logs" + Query(("stdout", "1"), ("stderr", "1")), null, null, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await LogStream.DemultiplexAsync(stream, cancellationToken);
    }

    /// <summary>Containers (running or not) that carry all these labels (an empty value: the label with any value).</summary>
    public async Task<IReadOnlyList<ContainerSummary>> ListContainersAsync(IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken = default)
    {
        var filters = JsonSerializer.Serialize(new Dictionary<string, string[]> { ["label"] = labels.Select(kv => kv.Value.Length == 0 ? kv.Key : $"{kv.Key}={kv.Value}").ToArray() },
            DockerJson.Default.DictionaryStringStringArray);
        return await GetJsonAsync("containers/json" + Query(("all", "1"), ("filters", filters)), DockerJson.Default.ListContainerSummary, cancellationToken);
    }

    /// <summary>Follows the container's output until it stops, handing each chunk to its stream's writer as it arrives.</summary>
    public async Task FollowLogsAsync(string id, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, $"containers/{id}/logs" + Query(("follow", "1"), ("stdout", "1"), ("stderr", "1")), null, null, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await LogStream.CopyAsync(stream, stdout, stderr, cancellationToken);
    }

    public async Task RemoveContainerAsync(string id, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Delete, $"containers/{id}" + Query(("force", "1"), ("v", "1")), null, null, cancellationToken);
    }

    public void Dispose() => _http.Dispose();

    private static string Query(params (string Key, string Value)[] pairs) =>
        "?" + string.Join('&', pairs.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));

    private async Task<T> GetJsonAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, null, cancellationToken);
        return await ReadJsonAsync(response, type, cancellationToken);
    }

    private static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonSerializer.DeserializeAsync(body, type, cancellationToken)
            ?? throw new DockerApiException((int)response.StatusCode, $"the engine answered {response.RequestMessage?.RequestUri?.AbsolutePath} with an empty body");
    }

    /// <summary>Sends a request; a connection failure is <see cref="DockerUnavailableException"/>, an error status a <see cref="DockerApiException"/>.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, RegistryAuth? auth,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (auth is not null || path.StartsWith("images/create", StringComparison.Ordinal) || path.EndsWith("/push", StringComparison.Ordinal) || path.Contains("/push?", StringComparison.Ordinal))
        {
            // The engine requires the header on push; "{}" means anonymous. URL-safe base64 of the JSON, as the API says.
            var json = JsonSerializer.SerializeToUtf8Bytes(auth ?? new RegistryAuth(), DockerJson.Default.RegistryAuth);
            request.Headers.Add("X-Registry-Auth", Convert.ToBase64String(json).Replace('+', '-').Replace('/', '_'));
        }
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new DockerUnavailableException($"the Docker engine at {Endpoint} could not be reached ({e.GetBaseException().Message})", e);
        }
        if (response.IsSuccessStatusCode)
        {
            return response;
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            string message;
            try
            {
                message = JsonSerializer.Deserialize(text, DockerJson.Default.EngineError)?.Message ?? text;
            }
            catch (JsonException)
            {
                message = text;
            }
            message = message.Trim();
            if (EngineFailures.Classify(message) is { } cause)
            {
                throw cause;
            }
            throw response.StatusCode == HttpStatusCode.NotFound
                ? new DockerNotFoundException(message)
                : new DockerApiException((int)response.StatusCode, message.Length > 0 ? message : $"HTTP {(int)response.StatusCode}");
        }
    }

    /// <summary>A call that answers with a stream of JSON progress lines; an "error" line ends it with an exception.</summary>
    private async Task StreamAsync(HttpMethod method, string path, HttpContent? content, RegistryAuth? auth, Action<ProgressMessage>? progress,
        CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, path, content, auth, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(body, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            ProgressMessage? message;
            try
            {
                message = JsonSerializer.Deserialize(line, DockerJson.Default.ProgressMessage);
            }
            catch (JsonException)
            {
                message = new ProgressMessage(line, null, null, null, null);
            }
            if (message is null)
            {
                continue;
            }
            progress?.Invoke(message);
            if ((message.Error ?? message.ErrorDetail?.Message) is { } error)
            {
                throw new DockerApiException(500, error.Trim());
            }
        }
    }
}

/// <summary>
/// The log stream of a container without a TTY: frames of an 8-byte header (stream 1 = stdout, 2 = stderr, then
/// three zero bytes and a big-endian 32-bit length) and that many bytes of output.
/// </summary>
public static class LogStream
{
    /// <summary>Output kept per stream; a test that prints more is cut (and says so).</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    public static async Task<(string Stdout, string Stderr)> DemultiplexAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        var header = new byte[8];
        var buffer = new byte[81920];
        var cut = false;
        while (await ReadExactlyOrEndAsync(stream, header, cancellationToken))
        {
            var length = (int)Math.Min(int.MaxValue, (uint)(header[4] << 24 | header[5] << 16 | header[6] << 8 | header[7]));
            var target = header[0] == 2 ? stderr : stdout;
            while (length > 0)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(0, Math.Min(buffer.Length, length)), cancellationToken);
                if (n == 0)
                {
                    break;
                }
                if (target.Length + n <= MaxBytes)
                {
                    target.Write(buffer, 0, n);
                }
                else
                {
                    cut = true;
                }
                length -= n;
            }
        }
        var suffix = cut ? "\n[output cut at 4 MiB]\n" : "";
        return (Encoding.UTF8.GetString(stdout.ToArray()) + suffix, Encoding.UTF8.GetString(stderr.ToArray()));
    }

    /// <summary>Copies each frame to its writer as it arrives (UTF-8, a character split across frames kept whole; no limit).</summary>
    public static async Task CopyAsync(Stream stream, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var header = new byte[8];
        var buffer = new byte[81920];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
        var decoders = new[] { Encoding.UTF8.GetDecoder(), Encoding.UTF8.GetDecoder() };
        while (await ReadExactlyOrEndAsync(stream, header, cancellationToken))
        {
            var length = (long)(uint)(header[4] << 24 | header[5] << 16 | header[6] << 8 | header[7]);
            var (target, decoder) = header[0] == 2 ? (stderr, decoders[1]) : (stdout, decoders[0]);
            while (length > 0)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length)), cancellationToken);
                if (n == 0)
                {
                    return;
                }
                var count = decoder.GetChars(buffer, 0, n, chars, 0, flush: false);
                await target.WriteAsync(chars.AsMemory(0, count), cancellationToken);
                await target.FlushAsync(cancellationToken);
                length -= n;
            }
        }
    }

    private static async Task<bool> ReadExactlyOrEndAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                return false;
            }
            read += n;
        }
        return true;
    }
}
