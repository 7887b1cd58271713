using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Beacon.Oci.Images;
using Beacon.Oci.References;

namespace Beacon.Oci.Registry;

/// <summary>How a blob reached the registry.</summary>
public enum BlobPushKind
{
    /// <summary>The repository had it: nothing was sent.</summary>
    Existed,
    /// <summary>Mounted from another repository of the registry: nothing was sent.</summary>
    Mounted,
    /// <summary>Sent in one PUT.</summary>
    Uploaded,
    /// <summary>Sent in PATCH chunks, then closed with a PUT.</summary>
    UploadedInChunks,
}

public sealed record BlobPush(string Digest, long Size, BlobPushKind Kind, long BytesSent);

/// <summary>
/// A client of the OCI distribution API (read from the OCI distribution spec): manifests by tag or digest (an index
/// resolved to its linux/amd64 manifest), blobs verified against their digest, blob existence, cross-repository
/// mounts, monolithic and chunked uploads, manifest PUT. Authentication follows the registry's challenge: Basic with
/// Docker's credentials for the host, or Bearer with a token fetched from the challenge's realm (with those
/// credentials, or anonymously); tokens are kept per repository and action for the client's life.
/// </summary>
public sealed class RegistryClient(HttpClient http, RegistryCredentials credentials)
{
    /// <summary>Blobs larger than this are sent in PATCH chunks of this size.</summary>
    public long ChunkSize { get; init; } = 16L << 20;

    /// <summary>Blobs larger than this are refused when pulled (a base image's layers are read whole).</summary>
    public long MaxBlobBytes { get; init; } = 4L << 30;

    private readonly Dictionary<string, AuthenticationHeaderValue> _auth = new(StringComparer.Ordinal);

    /// <param name="platform">The platform to pick from a multi-platform index (os/architecture, default linux/amd64).</param>
    public Task<(byte[] Json, string MediaType, string Digest)> GetManifestAsync(RemoteImage image, CancellationToken ct = default) =>
        GetManifestAsync(image, "linux/amd64", ct);

    public async Task<(byte[] Json, string MediaType, string Digest)> GetManifestAsync(RemoteImage image, string platform, CancellationToken ct = default)
    {
        var (json, mediaType) = await FetchManifestAsync(image, image.Reference, ct);
        if (ManifestIndex.IsIndex(mediaType, json))
        {
            string digest;
            try
            {
                digest = ManifestIndex.Pick(json, platform);
            }
            catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new RegistryException($"{image}: {e.Message}");
            }
            (json, mediaType) = await FetchManifestAsync(image, digest, ct);
        }
        var actual = Descriptor.DigestOf(json);
        if (image.Digest is { } pinned && pinned != actual && !ManifestIndex.IsIndex(mediaType, json))
        {
            throw new RegistryException($"{image}: the registry sent a manifest whose digest is {actual}");
        }
        return (json, mediaType, actual);
    }

    private async Task<(byte[] Json, string MediaType)> FetchManifestAsync(RemoteImage image, string reference, CancellationToken ct)
    {
        using var response = await SendAsync(image, "pull", () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, new Uri(image.BaseUri, $"{image.Repository}/manifests/{reference}"));
            foreach (var accept in MediaTypes.ManifestAccept)
            {
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
            }
            return request;
        }, ct);
        await EnsureAsync(response, $"GET manifest {image.Repository}:{reference}", ct);
        var json = await ReadBoundedAsync(response, 4 << 20, ct);
        return (json, response.Content.Headers.ContentType?.MediaType ?? "");
    }

    public async Task<bool> ManifestExistsAsync(RemoteImage image, CancellationToken ct = default)
    {
        using var response = await SendAsync(image, "pull", () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Head, new Uri(image.BaseUri, $"{image.Repository}/manifests/{image.Reference}"));
            foreach (var accept in MediaTypes.ManifestAccept)
            {
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
            }
            return request;
        }, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        await EnsureAsync(response, $"HEAD manifest {image.Repository}:{image.Reference}", ct);
        return true;
    }

    /// <summary>A blob, verified against its digest.</summary>
    public async Task<byte[]> GetBlobAsync(RemoteImage repository, string digest, CancellationToken ct = default)
    {
        using var response = await SendAsync(repository, "pull", () => new HttpRequestMessage(HttpMethod.Get, new Uri(repository.BaseUri, $"{repository.Repository}/blobs/{digest}")), ct);
        await EnsureAsync(response, $"GET blob {repository.Repository}@{digest}", ct);
        var bytes = await ReadBoundedAsync(response, MaxBlobBytes, ct);
        var actual = Descriptor.DigestOf(bytes);
        return actual == digest ? bytes : throw new RegistryException($"{repository.Host}/{repository.Repository}: blob {digest} arrived with digest {actual}");
    }

    public async Task<bool> BlobExistsAsync(RemoteImage repository, string digest, CancellationToken ct = default)
    {
        using var response = await SendAsync(repository, "pull,push", () => new HttpRequestMessage(HttpMethod.Head, new Uri(repository.BaseUri, $"{repository.Repository}/blobs/{digest}")), ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        await EnsureAsync(response, $"HEAD blob {repository.Repository}@{digest}", ct);
        return true;
    }

    /// <summary>
    /// Puts a blob in <paramref name="repository"/>: nothing is sent when the repository has it or it can be mounted
    /// from <paramref name="mountFrom"/> (another repository of the same registry); otherwise one PUT, or PATCH chunks.
    /// </summary>
    public Task<BlobPush> PushBlobAsync(RemoteImage repository, string digest, byte[] content, string? mountFrom = null, CancellationToken ct = default) =>
        PushBlobAsync(repository, digest, content.LongLength, _ => Task.FromResult<Stream>(new MemoryStream(content, writable: false)), mountFrom, ct);

    /// <summary>
    /// As above, with the content opened only when it must be sent (a parent's layer is mounted instead) and read as a
    /// stream: one PUT up to <see cref="ChunkSize"/>, PATCH chunks of that size beyond, so memory holds one chunk
    /// whatever the blob's size. The bytes are hashed as they go; a stream that is not <paramref name="digest"/> is
    /// never committed (the closing PUT is not sent).
    /// </summary>
    public async Task<BlobPush> PushBlobAsync(RemoteImage repository, string digest, long size, Func<CancellationToken, Task<Stream>> open,
        string? mountFrom = null, CancellationToken ct = default)
    {
        if (await BlobExistsAsync(repository, digest, ct))
        {
            return new BlobPush(digest, size, BlobPushKind.Existed, 0);
        }
        Uri location;
        var uploads = new Uri(repository.BaseUri, $"{repository.Repository}/blobs/uploads/");
        if (mountFrom is not null && mountFrom != repository.Repository)
        {
            using var mount = await SendAsync(repository, "pull,push", () =>
                new HttpRequestMessage(HttpMethod.Post, new Uri(uploads, $"?mount={Uri.EscapeDataString(digest)}&from={Uri.EscapeDataString(mountFrom)}")), ct, mountFrom);
            if (mount.StatusCode == HttpStatusCode.Created)
            {
                return new BlobPush(digest, size, BlobPushKind.Mounted, 0);
            }
            await EnsureAsync(mount, $"POST blob upload {repository.Repository}", ct);
            location = Location(mount, uploads);
        }
        else
        {
            using var start = await SendAsync(repository, "pull,push", () => new HttpRequestMessage(HttpMethod.Post, uploads), ct);
            await EnsureAsync(start, $"POST blob upload {repository.Repository}", ct);
            location = Location(start, uploads);
        }
        await using var content = await open(ct);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[(int)Math.Min(ChunkSize, Math.Max(size, 1))];
        if (size <= ChunkSize)
        {
            var length = await FillAsync(content, buffer, ct);
            hash.AppendData(buffer, 0, length);
            Verify(repository, digest, hash, length + (await content.ReadAsync(new byte[1], ct)), size);
            using var put = await SendAsync(repository, "pull,push", () => new HttpRequestMessage(HttpMethod.Put, WithDigest(location, digest))
            {
                Content = Octets(buffer, 0, length),
            }, ct);
            await EnsureAsync(put, $"PUT blob {repository.Repository}@{digest}", ct);
            return new BlobPush(digest, length, BlobPushKind.Uploaded, length);
        }
        long sent = 0;
        int read;
        while ((read = await FillAsync(content, buffer, ct)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            var at = location;
            var start = sent;
            var length = read;
            using var patch = await SendAsync(repository, "pull,push", () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Patch, at) { Content = Octets(buffer, 0, length) };
                request.Content.Headers.TryAddWithoutValidation("Content-Range", $"{start}-{start + length - 1}");
                return request;
            }, ct);
            await EnsureAsync(patch, $"PATCH blob {repository.Repository}@{digest}", ct);
            location = Location(patch, location);
            sent += read;
        }
        Verify(repository, digest, hash, sent, size);
        using var close = await SendAsync(repository, "pull,push", () => new HttpRequestMessage(HttpMethod.Put, WithDigest(location, digest))
        {
            Content = new ByteArrayContent([]),
        }, ct);
        await EnsureAsync(close, $"PUT blob {repository.Repository}@{digest}", ct);
        return new BlobPush(digest, sent, BlobPushKind.UploadedInChunks, sent);
    }

    private static void Verify(RemoteImage repository, string digest, IncrementalHash hash, long length, long size)
    {
        var actual = "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
        if (actual != digest || length != size)
        {
            throw new RegistryException($"{repository.Repository}: the blob to push does not have digest {digest} and size {size} (it has {actual}, {length} bytes)");
        }
    }

    private static async Task<int> FillAsync(Stream stream, byte[] buffer, CancellationToken ct)
    {
        var filled = 0;
        int read;
        while (filled < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(filled), ct)) > 0)
        {
            filled += read;
        }
        return filled;
    }

    /// <summary>A blob written to <paramref name="path"/> as it arrives (no size limit but the descriptor's), verified against its digest.</summary>
    public async Task DownloadBlobAsync(RemoteImage repository, string digest, long size, string path, CancellationToken ct = default)
    {
        using var response = await SendAsync(repository, "pull", () => new HttpRequestMessage(HttpMethod.Get, new Uri(repository.BaseUri, $"{repository.Repository}/blobs/{digest}")), ct);
        await EnsureAsync(response, $"GET blob {repository.Repository}@{digest}", ct);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        {
            var buffer = new byte[1 << 16];
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, ct)) > 0)
            {
                total += read;
                if (total > size)
                {
                    throw new RegistryException($"{repository.Host}/{repository.Repository}: blob {digest} is larger than its {size} bytes");
                }
                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), ct);
            }
        }
        var actual = "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
        if (actual != digest)
        {
            File.Delete(path);
            throw new RegistryException($"{repository.Host}/{repository.Repository}: blob {digest} arrived with digest {actual}");
        }
    }

    /// <summary>A blob as a stream (for copying between registries: the push hashes it as it passes).</summary>
    public async Task<Stream> OpenBlobAsync(RemoteImage repository, string digest, CancellationToken ct = default)
    {
        var response = await SendAsync(repository, "pull", () => new HttpRequestMessage(HttpMethod.Get, new Uri(repository.BaseUri, $"{repository.Repository}/blobs/{digest}")), ct);
        try
        {
            await EnsureAsync(response, $"GET blob {repository.Repository}@{digest}", ct);
            return new ResponseStream(response, await response.Content.ReadAsStreamAsync(ct));
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>Puts a manifest under <paramref name="image"/>'s tag; returns its digest (checked against the registry's).</summary>
    public async Task<string> PutManifestAsync(RemoteImage image, byte[] json, string mediaType, CancellationToken ct = default)
    {
        var digest = Descriptor.DigestOf(json);
        using var response = await SendAsync(image, "pull,push", () =>
        {
            var content = new ByteArrayContent(json);
            content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
            return new HttpRequestMessage(HttpMethod.Put, new Uri(image.BaseUri, $"{image.Repository}/manifests/{image.Tag ?? digest}")) { Content = content };
        }, ct);
        await EnsureAsync(response, $"PUT manifest {image.Repository}:{image.Tag}", ct);
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var values) && values.FirstOrDefault() is { } registryDigest && registryDigest != digest)
        {
            throw new RegistryException($"{image}: the registry stored the manifest as {registryDigest}, not {digest}");
        }
        return digest;
    }

    private static ByteArrayContent Octets(byte[] content, int offset, int length)
    {
        var body = new ByteArrayContent(content, offset, length);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return body;
    }

    private static Uri Location(HttpResponseMessage response, Uri requestUri) =>
        response.Headers.Location is { } l ? new Uri(requestUri, l) : throw new RegistryException($"{requestUri}: the registry answered {(int)response.StatusCode} without a Location");

    private static Uri WithDigest(Uri location, string digest) =>
        new(location + (location.Query.Length > 0 ? "&" : "?") + "digest=" + Uri.EscapeDataString(digest));

    /// <summary>Sends, and on a 401 answers the registry's challenge once (Basic or Bearer), then sends again.</summary>
    private async Task<HttpResponseMessage> SendAsync(RemoteImage image, string actions, Func<HttpRequestMessage> make, CancellationToken ct, string? alsoPullFrom = null)
    {
        var key = $"{image.Host}|{image.Repository}|{actions}|{alsoPullFrom}";
        var request = make();
        if (_auth.TryGetValue(key, out var cached))
        {
            request.Headers.Authorization = cached;
        }
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException e)
        {
            throw new RegistryException($"{image.Host}: {e.Message}");
        }
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }
        var challenge = response.Headers.WwwAuthenticate.FirstOrDefault();
        response.Dispose();
        if (challenge is null)
        {
            throw new RegistryException($"{image.Host}: 401 Unauthorized without a challenge");
        }
        var header = await AnswerAsync(image, challenge, actions, alsoPullFrom, ct);
        _auth[key] = header;
        var retry = make();
        retry.Headers.Authorization = header;
        try
        {
            response = await http.SendAsync(retry, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException e)
        {
            throw new RegistryException($"{image.Host}: {e.Message}");
        }
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            response.Dispose();
            throw new RegistryException($"{image.Host} refused the credentials for {image.Repository} ({challenge.Scheme}); check `docker login {image.Host}`");
        }
        return response;
    }

    private async Task<AuthenticationHeaderValue> AnswerAsync(RemoteImage image, AuthenticationHeaderValue challenge, string actions, string? alsoPullFrom, CancellationToken ct)
    {
        var login = credentials.For(image.Host);
        if (challenge.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return login is null
                ? throw new RegistryException($"{image.Host} asks for a user name and password: `docker login {image.Host}` (Beacon reads Docker's config.json)")
                : new AuthenticationHeaderValue("Basic", login.BasicHeader);
        }
        if (!challenge.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            throw new RegistryException($"{image.Host} asks for {challenge.Scheme} authentication, which Beacon does not speak (Basic and Bearer)");
        }
        var parameters = Parameters(challenge.Parameter ?? "");
        if (!parameters.TryGetValue("realm", out var realm) || !Uri.TryCreate(realm, UriKind.Absolute, out var realmUri) || realmUri.Scheme is not ("https" or "http"))
        {
            throw new RegistryException($"{image.Host}: a Bearer challenge without a usable realm");
        }
        var query = new StringBuilder();
        if (parameters.TryGetValue("service", out var service))
        {
            query.Append("service=").Append(Uri.EscapeDataString(service)).Append('&');
        }
        query.Append("scope=").Append(Uri.EscapeDataString($"repository:{image.Repository}:{actions}"));
        if (alsoPullFrom is not null)
        {
            query.Append("&scope=").Append(Uri.EscapeDataString($"repository:{alsoPullFrom}:pull"));
        }
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Get, new Uri(realmUri + (realmUri.Query.Length > 0 ? "&" : "?") + query));
        if (login is not null)
        {
            tokenRequest.Headers.Authorization = new AuthenticationHeaderValue("Basic", login.BasicHeader);
        }
        using var tokenResponse = await http.SendAsync(tokenRequest, ct);
        if (!tokenResponse.IsSuccessStatusCode)
        {
            throw new RegistryException($"{realmUri.Host} refused a token for {image.Repository} ({(int)tokenResponse.StatusCode}); check `docker login {image.Host}`");
        }
        using var doc = JsonDocument.Parse(await ReadBoundedAsync(tokenResponse, 1 << 20, ct));
        var token = (doc.RootElement.TryGetProperty("token", out var t) ? t.GetString() : null)
            ?? (doc.RootElement.TryGetProperty("access_token", out var a) ? a.GetString() : null)
            ?? throw new RegistryException($"{realmUri.Host}: the token answer holds no token");
        return new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>The key="value" list of a challenge (realm, service, scope).</summary>
    internal static Dictionary<string, string> Parameters(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && text[i] is ' ' or ',')
            {
                i++;
            }
            var eq = text.IndexOf('=', i);
            if (eq < 0)
            {
                break;
            }
            var key = text[i..eq].Trim();
            i = eq + 1;
            string value;
            if (i < text.Length && text[i] == '"')
            {
                var end = text.IndexOf('"', i + 1);
                end = end < 0 ? text.Length : end;
                value = text[(i + 1)..end];
                i = end + 1;
            }
            else
            {
                var end = text.IndexOf(',', i);
                end = end < 0 ? text.Length : end;
                value = text[i..end].Trim();
                i = end;
            }
            result[key] = value;
        }
        return result;
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var body = await ReadBoundedAsync(response, 64 << 10, ct, allowTruncation: true);
        var detail = "";
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
            {
                var first = errors[0];
                detail = $": {first.GetProperty("code").GetString()} {(first.TryGetProperty("message", out var m) ? m.GetString() : "")}";
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            // not the registry's error document: the status says it
        }
        throw new RegistryException($"{what}: {(int)response.StatusCode} {response.ReasonPhrase}{Conda.Parsing.Printable.Of(detail)}");
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, long limit, CancellationToken ct, bool allowTruncation = false)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var output = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(buffer, ct)) > 0)
        {
            if (output.Length + read > limit)
            {
                if (allowTruncation)
                {
                    break;
                }
                throw new RegistryException($"{response.RequestMessage?.RequestUri}: the answer is larger than {limit} bytes");
            }
            output.Write(buffer, 0, read);
        }
        return output.ToArray();
    }
}
