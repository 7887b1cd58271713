using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Beacon.Conda.Net;
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

/// <summary>A manifest put: its digest, and the subject digest the registry says its referrers API lists it under (OCI-Subject), if it said so.</summary>
public sealed record PushedManifest(string Digest, string? ListedUnderSubject);

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

    /// <summary>How long a request waits for the registry's answer (its headers), plus time for the body it sends.</summary>
    public TimeSpan AnswerTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest silence in a body being read: a registry that sends headers and then nothing is cut off.</summary>
    public TimeSpan SilenceTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The slowest upload that is still waited for: a request's body adds its size at this rate to <see cref="AnswerTimeout"/>.</summary>
    private const long SlowestUploadBytesPerSecond = 256 << 10;

    /// <summary>How often a manifest PUT or a blob HEAD is tried when the registry reads a blob's link mid-write.</summary>
    private const int MidWriteRetries = 5;

    /// <summary>How often a failed chunk of a chunked upload is resumed from what the registry says it holds.</summary>
    public int ChunkRetries { get; init; } = 3;

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
        return (json, mediaType, Descriptor.DigestOf(json));
    }

    /// <summary>
    /// The digest a reference names now: of the manifest or index the registry serves for it (what `docker pull` of
    /// the tag resolves, and what `FROM name@digest` takes), computed from the bytes received, not from a header.
    /// </summary>
    public async Task<string> ResolveDigestAsync(RemoteImage image, CancellationToken ct = default) =>
        (await DescribeManifestAsync(image, ct)).Digest;

    /// <summary>
    /// The descriptor of the manifest or index a reference names (media type, digest and size of the bytes received),
    /// as another manifest's OCI 1.1 <c>subject</c> names it.
    /// </summary>
    public async Task<Descriptor> DescribeManifestAsync(RemoteImage image, CancellationToken ct = default)
    {
        var (json, mediaType) = await FetchManifestAsync(image, image.Reference, ct);
        var digest = Descriptor.DigestOf(json);
        return new Descriptor(mediaType.Length > 0 ? mediaType : ManifestIndex.IsIndex(mediaType, json) ? MediaTypes.OciIndex : MediaTypes.OciManifest, digest, json.LongLength);
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
        var json = await ReadBoundedAsync(response, 4 << 20, $"{image.Host}: manifest {image.Repository}:{reference}", ct);
        // A manifest asked for by digest (a pinned reference, or the platform's manifest picked from an index) is
        // exactly those bytes, whatever the registry sends.
        if (reference.StartsWith("sha256:", StringComparison.Ordinal) && Descriptor.DigestOf(json) is var served && served != reference)
        {
            throw new RegistryException($"{image.Repository}@{reference}: the registry sent a manifest whose digest is {served}");
        }
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

    /// <summary>
    /// The tags of <paramref name="repository"/> (GET /v2/&lt;name&gt;/tags/list, following the Link header's next page
    /// up to 100 pages); none when the registry does not know the repository.
    /// </summary>
    public async Task<IReadOnlyList<string>> ListTagsAsync(RemoteImage repository, CancellationToken ct = default)
    {
        var tags = new List<string>();
        Uri? next = new(repository.BaseUri, $"{repository.Repository}/tags/list");
        for (var page = 0; next is not null && page < 100; page++)
        {
            var at = next;
            using var response = await SendAsync(repository, "pull", () => new HttpRequestMessage(HttpMethod.Get, at), ct);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return [];
            }
            await EnsureAsync(response, $"GET tags {repository.Repository}", ct);
            var body = await ReadBoundedAsync(response, 4 << 20, $"{repository.Host}: tags of {repository.Repository}", ct);
            try
            {
                using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 8 });
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("tags", out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    tags.AddRange(list.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!));
                }
            }
            catch (JsonException)
            {
                throw new RegistryException($"{repository.Host}: the tag list of {repository.Repository} is not JSON");
            }
            next = NextPage(response, at);
        }
        return tags;
    }

    /// <summary>The <c>Link: &lt;/v2/...&gt;; rel="next"</c> of a paginated answer, on the same origin only.</summary>
    private static Uri? NextPage(HttpResponseMessage response, Uri current)
    {
        if (!response.Headers.TryGetValues("Link", out var links))
        {
            return null;
        }
        foreach (var link in links)
        {
            var open = link.IndexOf('<');
            var close = link.IndexOf('>', open + 1);
            if (open >= 0 && close > open && link[close..].Contains("rel=\"next\"", StringComparison.Ordinal)
                && Uri.TryCreate(current, link[(open + 1)..close], out var next) && next.Authority == current.Authority && next.Scheme == current.Scheme)
            {
                return next;
            }
        }
        return null;
    }

    /// <summary>A blob, verified against its digest.</summary>
    public async Task<byte[]> GetBlobAsync(RemoteImage repository, string digest, CancellationToken ct = default)
    {
        using var response = await SendAsync(repository, "pull", () => new HttpRequestMessage(HttpMethod.Get, new Uri(repository.BaseUri, $"{repository.Repository}/blobs/{digest}")), ct);
        await EnsureAsync(response, $"GET blob {repository.Repository}@{digest}", ct);
        var bytes = await ReadBoundedAsync(response, MaxBlobBytes, $"{repository.Host}: blob {repository.Repository}@{digest}", ct);
        var actual = Descriptor.DigestOf(bytes);
        return actual == digest ? bytes : throw new RegistryException($"{repository.Host}/{repository.Repository}: blob {digest} arrived with digest {actual}");
    }

    public async Task<bool> BlobExistsAsync(RemoteImage repository, string digest, CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var response = await SendAsync(repository, "pull,push", () => new HttpRequestMessage(HttpMethod.Head, new Uri(repository.BaseUri, $"{repository.Repository}/blobs/{digest}")), ct);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return false;
            }
            // Another builder committing this blob at this moment: distribution rewrites the repository's link to it,
            // and a HEAD that reads the link mid-write answers 500 ("invalid checksum digest format" in its log, seen
            // with three parallel builds). A HEAD changes nothing: ask again shortly.
            if (response.StatusCode == HttpStatusCode.InternalServerError && attempt < MidWriteRetries)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), ct);
                continue;
            }
            await EnsureAsync(response, $"HEAD blob {repository.Repository}@{digest}", ct);
            return true;
        }
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
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[(int)Math.Min(ChunkSize, Math.Max(size, 1))];
        if (size <= ChunkSize)
        {
            await using var whole = await open(ct);
            var length = await FillAsync(whole, buffer, ct);
            hash.AppendData(buffer, 0, length);
            Verify(repository, digest, hash, length + (await whole.ReadAsync(new byte[1], ct)), size);
            using var put = await SendAsync(repository, "pull,push", () => new HttpRequestMessage(HttpMethod.Put, WithDigest(location, digest))
            {
                Content = Octets(buffer, 0, length),
            }, ct);
            await EnsureAsync(put, $"PUT blob {repository.Repository}@{digest}", ct);
            return new BlobPush(digest, length, BlobPushKind.Uploaded, length);
        }
        for (var attempt = 1; ; attempt++)
        {
            await using var content = await open(ct);
            if (await PatchAllAsync(repository, digest, location, content, buffer, hash, ct) is var (closing, sent))
            {
                Verify(repository, digest, hash, sent, size);
                using var close = await SendAsync(repository, "pull,push", () => new HttpRequestMessage(HttpMethod.Put, WithDigest(closing, digest))
                {
                    Content = new ByteArrayContent([]),
                }, ct);
                await EnsureAsync(close, $"PUT blob {repository.Repository}@{digest}", ct);
                return new BlobPush(digest, sent, BlobPushKind.UploadedInChunks, sent);
            }
            // The registry lost the upload (distribution forgets one whose state token is stale after a chunk it
            // took went unacknowledged): start it again once, from the beginning of the content.
            if (attempt == 2)
            {
                throw new RegistryException($"{repository.Host}/{repository.Repository}: the upload of {digest} was lost twice; nothing was committed");
            }
            hash.GetHashAndReset();
            using var again = await SendAsync(repository, "pull,push", () => new HttpRequestMessage(HttpMethod.Post, uploads), ct);
            await EnsureAsync(again, $"POST blob upload {repository.Repository}", ct);
            location = Location(again, uploads);
        }
    }

    /// <summary>Sends <paramref name="content"/> chunk by chunk, hashing it; the location to close and the bytes sent, or null when the registry lost the upload.</summary>
    private async Task<(Uri Location, long Sent)?> PatchAllAsync(RemoteImage repository, string digest, Uri location, Stream content, byte[] buffer,
        IncrementalHash hash, CancellationToken ct)
    {
        long sent = 0;
        int read;
        while ((read = await FillAsync(content, buffer, ct)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            if (await PatchChunkAsync(repository, digest, location, buffer, sent, read, ct) is not { } next)
            {
                return null;
            }
            location = next;
            sent += read;
        }
        return (location, sent);
    }

    /// <summary>
    /// Sends one chunk (held in <paramref name="buffer"/>) of an upload that has <paramref name="start"/> bytes. When
    /// the PATCH fails (a cut connection, a stall, an error answer), the registry is asked how much of the upload it
    /// holds (GET on the upload's location: 204 with <c>Range: 0-&lt;last&gt;</c>) and the rest of the chunk is sent
    /// from there, up to <see cref="ChunkRetries"/> times: a multi-GiB layer does not start again for one broken chunk.
    /// Null when the registry no longer knows the upload.
    /// </summary>
    private async Task<Uri?> PatchChunkAsync(RemoteImage repository, string digest, Uri location, byte[] buffer, long start, int length, CancellationToken ct)
    {
        var offset = 0;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var at = location;
                var from = offset;
                using var patch = await SendAsync(repository, "pull,push", () =>
                {
                    var request = new HttpRequestMessage(HttpMethod.Patch, at) { Content = Octets(buffer, from, length - from) };
                    request.Content.Headers.TryAddWithoutValidation("Content-Range", $"{start + from}-{start + length - 1}");
                    return request;
                }, ct);
                await EnsureAsync(patch, $"PATCH blob {repository.Repository}@{digest}", ct);
                return Location(patch, location);
            }
            catch (RegistryException e) when (attempt < ChunkRetries && !ct.IsCancellationRequested)
            {
                if (await UploadStatusAsync(repository, location, ct) is not var (held, current))
                {
                    return null;
                }
                if (held < start || held > start + length)
                {
                    throw new RegistryException($"{e.Message}; the registry holds {held} bytes of the upload where {start}..{start + length} were expected, so it cannot be resumed");
                }
                location = current;
                offset = (int)(held - start);
                if (offset == length)
                {
                    return location;
                }
            }
        }
    }

    /// <summary>How many bytes an upload holds and its current location (null when the registry no longer has it).</summary>
    private async Task<(long Held, Uri Location)?> UploadStatusAsync(RemoteImage repository, Uri location, CancellationToken ct)
    {
        using var status = await SendAsync(repository, "pull,push", () => new HttpRequestMessage(HttpMethod.Get, location), ct);
        if (status.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        await EnsureAsync(status, $"GET blob upload {repository.Repository}", ct);
        // "0-<last byte>"; distribution writes 0-0 for an empty upload as for one byte, and an upload of one byte
        // never fails here (a chunk is ChunkSize), so 0-0 is read as empty.
        var range = status.Headers.TryGetValues("Range", out var values) ? values.FirstOrDefault() ?? "" : "";
        var dash = range.IndexOf('-');
        if (dash < 0 || !long.TryParse(range[(dash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var last))
        {
            throw new RegistryException($"{repository.Host}: the upload's status has no usable Range ('{Conda.Parsing.Printable.Of(range)}')");
        }
        return (last == 0 ? 0 : last + 1, Location(status, location));
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
    /// <param name="progress">Where the bytes received are reported (key <c>pull:&lt;digest&gt;</c>), with <paramref name="label"/>.</param>
    public async Task DownloadBlobAsync(RemoteImage repository, string digest, long size, string path,
        IProgress<Conda.ProgressUpdate>? progress = null, string? label = null, CancellationToken ct = default)
    {
        using var response = await SendAsync(repository, "pull", () => new HttpRequestMessage(HttpMethod.Get, new Uri(repository.BaseUri, $"{repository.Repository}/blobs/{digest}")), ct);
        await EnsureAsync(response, $"GET blob {repository.Repository}@{digest}", ct);
        var received = await BodyAsync(response, $"{repository.Host}: blob {repository.Repository}@{digest}", ct);
        await using var body = progress is null ? received : new Conda.ProgressStream(received, progress, "pull:" + digest, label ?? digest, size);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        try
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
            await file.DisposeAsync();
        }
        catch
        {
            // Nothing half-written stays behind: a cut or stalled download removes its file.
            await file.DisposeAsync();
            File.Delete(path);
            throw;
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
            return await BodyAsync(response, $"{repository.Host}: blob {repository.Repository}@{digest}", ct);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Puts a manifest under <paramref name="image"/>'s tag; returns its digest (checked against the registry's) and
    /// the <c>OCI-Subject</c> the registry answered with: its word that it lists the manifest under that subject in its
    /// referrers API (OCI distribution-spec 1.1); none from a registry without that API.
    /// </summary>
    public async Task<PushedManifest> PutManifestAsync(RemoteImage image, byte[] json, string mediaType, CancellationToken ct = default)
    {
        var digest = Descriptor.DigestOf(json);
        var what = $"PUT manifest {image.Repository}:{image.Tag}";
        for (var attempt = 1; ; attempt++)
        {
            using var response = await SendAsync(image, "pull,push", () =>
            {
                var content = new ByteArrayContent(json);
                content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
                return new HttpRequestMessage(HttpMethod.Put, new Uri(image.BaseUri, $"{image.Repository}/manifests/{image.Tag ?? digest}")) { Content = content };
            }, ct);
            if (!response.IsSuccessStatusCode)
            {
                var error = await ErrorOfAsync(response, what, ct);
                // Another builder pushing the same blobs at this moment: distribution rewrites a blob's link in the
                // repository on every commit, and a manifest check that reads the link mid-write fails with
                // DIGEST_INVALID or BLOB_UNKNOWN (seen with three parallel builds). The blobs are there: ask again shortly.
                if (response.StatusCode == HttpStatusCode.BadRequest && attempt < MidWriteRetries
                    && error?.Code is "DIGEST_INVALID" or "BLOB_UNKNOWN" or "MANIFEST_BLOB_UNKNOWN")
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), ct);
                    continue;
                }
                throw Refused(response, what, error);
            }
            if (response.Headers.TryGetValues("Docker-Content-Digest", out var values) && values.FirstOrDefault() is { } registryDigest && registryDigest != digest)
            {
                throw new RegistryException($"{image}: the registry stored the manifest as {registryDigest}, not {digest}");
            }
            return new PushedManifest(digest, response.Headers.TryGetValues("OCI-Subject", out var subjects) ? subjects.FirstOrDefault() : null);
        }
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
        var response = await SendOnceAsync(request, image.Host, ct);
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
        response = await SendOnceAsync(retry, image.Host, ct);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            response.Dispose();
            throw new RegistryException($"{image.Host} refused the credentials for {image.Repository} ({challenge.Scheme}); check `docker login {image.Host}`");
        }
        return response;
    }

    /// <summary>
    /// One request, bounded in time (<see cref="AnswerTimeout"/>, plus the body's size at the slowest upload rate
    /// waited for); a connection failure, an unsafe redirect or no answer is a <see cref="RegistryException"/>.
    /// </summary>
    private async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, string host, CancellationToken ct)
    {
        var limit = AnswerTimeout + TimeSpan.FromSeconds((double)(request.Content?.Headers.ContentLength ?? 0) / SlowestUploadBytesPerSecond);
        try
        {
            return await Deadline.AnswerWithinAsync(t => http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, t), limit,
                $"{host}: {request.Method} {request.RequestUri?.AbsolutePath}", ct);
        }
        catch (StalledException e)
        {
            throw new RegistryException(e.Message);
        }
        catch (HttpRequestException e)
        {
            throw new RegistryException($"{host}: {Conda.Parsing.Printable.Of(e.Message)}");
        }
    }

    private async Task<Stream> BodyAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        try
        {
            return new ResponseStream(response, await response.Content.ReadAsStreamAsync(ct), SilenceTimeout, what);
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !ct.IsCancellationRequested)
        {
            throw new RegistryException($"{what}: the connection broke ({e.Message})");
        }
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
        using var tokenResponse = await SendOnceAsync(tokenRequest, realmUri.Host, ct);
        if (!tokenResponse.IsSuccessStatusCode)
        {
            throw new RegistryException($"{realmUri.Host} refused a token for {image.Repository} ({(int)tokenResponse.StatusCode}); check `docker login {image.Host}`");
        }
        return new AuthenticationHeaderValue("Bearer", Token(await ReadBoundedAsync(tokenResponse, 1 << 20, $"{realmUri.Host}: token", ct), realmUri.Host));
    }

    /// <summary>
    /// The token of a token server's answer (<c>token</c>, else <c>access_token</c>), which must be a JSON string of
    /// the characters a header's token68 may hold: an HTML page, a number or a token with a line break is refused.
    /// </summary>
    internal static string Token(byte[] answer, string host)
    {
        string? token = null;
        try
        {
            using var doc = JsonDocument.Parse(answer, new JsonDocumentOptions { MaxDepth = 8 });
            foreach (var name in new[] { "token", "access_token" })
            {
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                {
                    token = value.GetString();
                    break;
                }
            }
        }
        catch (JsonException)
        {
            throw new RegistryException($"{host}: the token server's answer is not JSON (a proxy's or login page?)");
        }
        if (string.IsNullOrEmpty(token))
        {
            throw new RegistryException($"{host}: the token server's answer holds no token string");
        }
        if (!token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '+' or '/' or '='))
        {
            throw new RegistryException($"{host}: the token server's token holds characters a header cannot carry");
        }
        return token;
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

    /// <summary>The first error of a registry's error document (OCI distribution spec: errors[0].code, .message).</summary>
    private sealed record RegistryError(string Code, string Message);

    /// <summary>The error a refusal carries: its body read bounded (a broken body reads as none) and parsed, or null.</summary>
    private async Task<RegistryError?> ErrorOfAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        try
        {
            using var doc = JsonDocument.Parse(await ReadBoundedAsync(response, 64 << 10, what, ct, allowTruncation: true));
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("errors", out var errors)
                && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0 && errors[0].ValueKind == JsonValueKind.Object
                && errors[0].TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String
                ? new RegistryError(code.GetString()!, errors[0].TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "")
                : null;
        }
        catch (Exception e) when (e is JsonException or RegistryException)
        {
            return null; // not the registry's error document: the status says it
        }
    }

    private static RegistryException Refused(HttpResponseMessage response, string what, RegistryError? error) =>
        new($"{what}: {(int)response.StatusCode} {response.ReasonPhrase}{Conda.Parsing.Printable.Of(error is null ? "" : $": {error.Code} {error.Message}")}");

    private async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw Refused(response, what, await ErrorOfAsync(response, what, ct));
        }
    }

    private async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, long limit, string what, CancellationToken ct, bool allowTruncation = false)
    {
        await using var stream = new ResponseStream(response, await response.Content.ReadAsStreamAsync(ct), SilenceTimeout, what);
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
