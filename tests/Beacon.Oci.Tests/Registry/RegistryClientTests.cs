using System.Net;
using System.Security.Cryptography;
using System.Text;
using Beacon.Oci.Images;
using Beacon.Oci.References;
using Beacon.Oci.Registry;
using Beacon.TestSupport;

namespace Beacon.Oci.Tests.Registry;

/// <summary>
/// The registry client against the real distribution registries scripts/services.sh starts on 127.0.0.1 (one open,
/// one behind htpasswd Basic auth), and the Bearer token flow against a stand-in registry and token server on
/// 127.0.0.1 (no token-auth registry runs here: it needs its own certificates; the stand-in's use is visible below).
/// </summary>
public sealed class RegistryClientTests : IDisposable
{
    private static readonly string? Open = TestServices.Registry;
    private static readonly string? Guarded = TestServices.AuthRegistry;
    private readonly TempRepo _config = new("beacon-docker-config-");
    private readonly HttpClient _http = Beacon.Conda.Net.BeaconHttp.Create();
    private readonly string _repository = "beacon-client-" + Guid.NewGuid().ToString("N")[..8];

    private static void RequireRegistries() => TestServices.Registries();

    private RegistryClient Client(long chunkSize = 16 << 20) => new(_http, new RegistryCredentials(_config.Root)) { ChunkSize = chunkSize };

    private static byte[] Random(int size)
    {
        var bytes = new byte[size];
        RandomNumberGenerator.Fill(bytes);
        return bytes;
    }

    [SkippableFact]
    public async Task Blobs_go_up_whole_or_in_chunks_are_mounted_across_repositories_and_come_back_verified()
    {
        RequireRegistries();
        var client = Client(chunkSize: 100_000);
        var repo = RemoteImage.Parse($"{Open}/{_repository}/one:x");
        var small = Random(5_000);
        var large = Random(250_000);
        var smallDigest = Descriptor.DigestOf(small);
        var largeDigest = Descriptor.DigestOf(large);

        Assert.Equal(BlobPushKind.Uploaded, (await client.PushBlobAsync(repo, smallDigest, small)).Kind);
        var chunked = await client.PushBlobAsync(repo, largeDigest, large);
        Assert.Equal((BlobPushKind.UploadedInChunks, 250_000L), (chunked.Kind, chunked.BytesSent));
        Assert.Equal((BlobPushKind.Existed, 0L), ((await client.PushBlobAsync(repo, largeDigest, large)).Kind, 0L));

        var other = RemoteImage.Parse($"{Open}/{_repository}/two:x");
        var mounted = await client.PushBlobAsync(other, largeDigest, large.Length, _ => throw new InvalidOperationException("a mount sends nothing"), repo.Repository);
        Assert.Equal((BlobPushKind.Mounted, 0L), (mounted.Kind, mounted.BytesSent));
        Assert.Equal(large, await client.GetBlobAsync(other, largeDigest));

        var config = Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}");
        await client.PushBlobAsync(other, Descriptor.DigestOf(config), config);
        var manifest = new ImageManifest(Descriptor.Of(MediaTypes.OciConfig, config), [new Descriptor(MediaTypes.OciLayerGzip, largeDigest, large.Length)], new Dictionary<string, string>());
        var digest = (await client.PutManifestAsync(other, manifest.ToJson(), MediaTypes.OciManifest)).Digest;
        Assert.True(await client.ManifestExistsAsync(other));
        var (json, _, fetched) = await client.GetManifestAsync(other with { Tag = null, Digest = digest });
        Assert.Equal(manifest.ToJson(), json);
        Assert.Equal(digest, fetched);

        var wrong = await Assert.ThrowsAsync<RegistryException>(() => client.PushBlobAsync(repo, "sha256:" + new string('0', 64), small));
        Assert.Equal($"{_repository}/one: the blob to push does not have digest sha256:{new string('0', 64)} and size {small.Length} (it has {Descriptor.DigestOf(small)}, {small.Length} bytes)", wrong.Message);
    }

    [SkippableFact]
    public async Task A_registry_behind_basic_auth_takes_dockers_credentials_and_says_what_to_do_without_them()
    {
        RequireRegistries();
        var repo = RemoteImage.Parse($"{Guarded}/{_repository}/guarded:x");
        var blob = Random(1_000);
        var anonymous = await Assert.ThrowsAsync<RegistryException>(() => Client().PushBlobAsync(repo, Descriptor.DigestOf(blob), blob));
        Assert.Equal($"{Guarded} asks for a user name and password: `docker login {Guarded}` (Beacon reads Docker's config.json)", anonymous.Message);

        var login = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Environment.GetEnvironmentVariable("BEACON_TEST_AUTH_USER")}:wrong"));
        _config.Write("config.json", $"{{\"auths\": {{\"{Guarded}\": {{\"auth\": \"{login}\"}}}}}}");
        var refused = await Assert.ThrowsAsync<RegistryException>(() => Client().PushBlobAsync(repo, Descriptor.DigestOf(blob), blob));
        Assert.Equal($"{Guarded} refused the credentials for {_repository}/guarded (Basic); check `docker login {Guarded}`", refused.Message);

        login = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Environment.GetEnvironmentVariable("BEACON_TEST_AUTH_USER")}:{Environment.GetEnvironmentVariable("BEACON_TEST_AUTH_PASSWORD")}"));
        _config.Write("config.json", $"{{\"auths\": {{\"{Guarded}\": {{\"auth\": \"{login}\"}}}}}}");
        var pushed = await Client().PushBlobAsync(repo, Descriptor.DigestOf(blob), blob);
        Assert.Equal(BlobPushKind.Uploaded, pushed.Kind);
        Assert.Equal(blob, await Client().GetBlobAsync(repo, Descriptor.DigestOf(blob)));
    }

    [Fact]
    public async Task A_bearer_challenge_is_answered_with_a_token_from_its_realm_fetched_with_dockers_credentials()
    {
        // A STAND-IN registry and token server: the registry asks for a Bearer token; the token server hands one out
        // for the requested scope to the right Basic credentials.
        var seen = new List<string>();
        using var server = new LoopbackServer(async (_, ctx) =>
        {
            var path = ctx.Request.Url!.PathAndQuery;
            var auth = ctx.Request.Headers["Authorization"] ?? "";
            lock (seen)
            {
                seen.Add($"{ctx.Request.HttpMethod} {path} [{auth.Split(' ')[0]}]");
            }
            if (path.StartsWith("/token", StringComparison.Ordinal))
            {
                var ok = auth == "Basic " + Convert.ToBase64String("jane:s3cret"u8.ToArray()) && ctx.Request.QueryString["scope"] == "repository:acme/core:pull,push";
                await LoopbackServer.Send(ctx, ok ? 200 : 401, ok ? "{\"token\": \"t-123\"}"u8.ToArray() : null);
            }
            else if (auth == "Bearer t-123")
            {
                await LoopbackServer.Send(ctx, 200);
            }
            else
            {
                ctx.Response.Headers["WWW-Authenticate"] = $"Bearer realm=\"http://127.0.0.1:{ctx.Request.Url.Port}/token\",service=\"stand-in\",scope=\"repository:acme/core:pull,push\"";
                await LoopbackServer.Send(ctx, 401);
            }
        });
        var host = $"127.0.0.1:{server.Port}";
        _config.Write("config.json", $"{{\"auths\": {{\"{host}\": {{\"auth\": \"{Convert.ToBase64String("jane:s3cret"u8.ToArray())}\"}}}}}}");
        var client = Client();
        Assert.True(await client.BlobExistsAsync(RemoteImage.Parse($"{host}/acme/core:x"), "sha256:" + new string('a', 64)));
        Assert.True(await client.BlobExistsAsync(RemoteImage.Parse($"{host}/acme/core:x"), "sha256:" + new string('b', 64)));
        Assert.Equal([
            $"HEAD /v2/acme/core/blobs/sha256:{new string('a', 64)} []",
            "GET /token?service=stand-in&scope=repository%3Aacme%2Fcore%3Apull%2Cpush [Basic]",
            $"HEAD /v2/acme/core/blobs/sha256:{new string('a', 64)} [Bearer]",
            $"HEAD /v2/acme/core/blobs/sha256:{new string('b', 64)} [Bearer]", // the token is kept
        ], seen);
    }

    /// <summary>
    /// A chunked upload through a proxy (a real HTTP server on 127.0.0.1 forwarding to the real registry) that breaks
    /// the connection on the second PATCH: once before the registry sees the chunk, once after it has taken it. The
    /// client asks the registry where the upload stands and goes on from there (or starts again when the registry has
    /// lost it); the blob arrives whole.
    /// </summary>
    [SkippableTheory]
    [InlineData("before")]
    [InlineData("after")]
    public async Task A_chunked_upload_resumes_where_the_registry_says_it_stands(string breakAt)
    {
        RequireRegistries();
        using var forward = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        var patches = 0;
        var statusAsked = 0;
        LoopbackServer? proxy = null;
        proxy = new LoopbackServer(async (_, context) =>
        {
            var request = context.Request;
            var isPatch = request.HttpMethod == "PATCH";
            var broken = isPatch && Interlocked.Increment(ref patches) == 2;
            if (request.HttpMethod == "GET" && request.Url!.AbsolutePath.Contains("/blobs/uploads/", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref statusAsked);
            }
            if (broken && breakAt == "before")
            {
                context.Response.Abort();
                return;
            }
            using var message = new HttpRequestMessage(new HttpMethod(request.HttpMethod), $"http://{Open}{request.Url!.PathAndQuery}");
            var body = new MemoryStream();
            await request.InputStream.CopyToAsync(body);
            if (request.HttpMethod is "PUT" or "PATCH" or "POST")
            {
                message.Content = new ByteArrayContent(body.ToArray());
                foreach (var header in new[] { "Content-Type", "Content-Range" })
                {
                    if (request.Headers[header] is { } value)
                    {
                        message.Content.Headers.TryAddWithoutValidation(header, value);
                    }
                }
            }
            using var answer = await forward.SendAsync(message);
            var bytes = await answer.Content.ReadAsByteArrayAsync();
            if (broken)
            {
                context.Response.Abort(); // the registry took the chunk; the client never hears so
                return;
            }
            context.Response.StatusCode = (int)answer.StatusCode;
            foreach (var header in new[] { "Location", "Range", "Docker-Upload-UUID", "Docker-Content-Digest" })
            {
                if (answer.Headers.TryGetValues(header, out var values))
                {
                    context.Response.Headers[header] = values.First().Replace($"http://{Open}", proxy!.Url, StringComparison.Ordinal);
                }
            }
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        });
        using (proxy)
        {
            var client = new RegistryClient(_http, new RegistryCredentials(null)) { ChunkSize = 100_000 };
            var repo = RemoteImage.Parse($"127.0.0.1:{proxy.Port}/{_repository}/resumed:x");
            var blob = Random(350_000);
            var digest = Descriptor.DigestOf(blob);
            var push = await client.PushBlobAsync(repo, digest, blob);
            Assert.Equal((BlobPushKind.UploadedInChunks, 350_000L), (push.Kind, push.Size));
            Assert.Equal(1, statusAsked);
            // Before: the second chunk is sent again (5 PATCHes). After: distribution forgets an upload whose state
            // token is stale, so the upload starts over once (2 + 4 PATCHes).
            Assert.Equal(breakAt == "before" ? 5 : 6, patches);
            Assert.Equal(blob, await Client().GetBlobAsync(RemoteImage.Parse($"{Open}/{_repository}/resumed:x"), digest));
        }
    }

    [Fact]
    public void Credentials_come_from_a_helper_for_the_host_then_the_store_then_auths()
    {
        _config.Write("config.json", "{\"credHelpers\": {\"ghcr.io\": \"gh\"}, \"credsStore\": \"desktop\", \"auths\": {\"quay.io\": {\"auth\": \"" +
            Convert.ToBase64String("q:pw"u8.ToArray()) + "\"}}}");
        // Real helpers (shell scripts run as Docker runs docker-credential-<name> get) that log what they were asked.
        var log = _config.Path_("asked.log");
        foreach (var (name, answer) in new[] { ("gh", "echo '{\"Username\":\"gh-user\",\"Secret\":\"gh-token\"}'"), ("desktop", "echo 'credentials not found in native keychain' >&2; exit 1") })
        {
            _config.Write($"docker-credential-{name}", $"#!/bin/sh\nprintf '%s %s\\n' \"$(basename \"$0\")\" \"$(cat)\" >> '{log}'\n{answer}\n");
            File.SetUnixFileMode(_config.Path_($"docker-credential-{name}"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var credentials = new RegistryCredentials(_config.Root, helper => _config.Path_(helper));
        Assert.Equal("gh-user", credentials.For("ghcr.io")!.Username);
        Assert.Equal("q", credentials.For("quay.io")!.Username);
        Assert.Null(credentials.For("example.org"));
        Assert.Equal(["docker-credential-gh ghcr.io", "docker-credential-desktop quay.io", "docker-credential-desktop https://quay.io", "docker-credential-desktop http://quay.io",
            "docker-credential-desktop example.org", "docker-credential-desktop https://example.org", "docker-credential-desktop http://example.org"], File.ReadAllLines(log));
        Assert.Equal("RegistryLogin(gh-user, ***)", credentials.For("ghcr.io")!.ToString());
    }

    public void Dispose()
    {
        _http.Dispose();
        _config.Dispose();
    }
}
