using System.Diagnostics;
using System.Net;
using System.Text;
using Beacon.Conda.Net;
using Beacon.Oci.References;
using Beacon.Oci.Registry;
using Beacon.TestSupport;

namespace Beacon.Oci.Tests.Registry;

/// <summary>
/// What a broken or hostile registry, token server or Docker configuration does to the client: a faulty server on
/// 127.0.0.1 (a real HTTP server whose answers each case scripts) and real config files and credential helpers.
/// Every case ends in a <see cref="RegistryException"/> (which the commands print as BEA0609) within a bound of
/// seconds, never a hang or an internal error.
/// </summary>
public sealed class RegistryFaultTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);
    private const string Digest = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
    private readonly TempRepo _dir = new("beacon-registry-faults-");
    private readonly HttpClient _http = BeaconHttp.Create();

    public void Dispose()
    {
        _http.Dispose();
        _dir.Dispose();
    }

    /// <summary>One bound short, the other long, so that each case ends by the rule it tests even on a loaded machine.</summary>
    private RegistryClient Client(RegistryCredentials? credentials = null, string? fault = null) =>
        new(_http, credentials ?? new RegistryCredentials(null))
        {
            AnswerTimeout = fault == "never-answers" ? Bound : TimeSpan.FromSeconds(30),
            SilenceTimeout = fault == "manifest-stalls" ? Bound : TimeSpan.FromSeconds(30),
        };

    public static TheoryData<string, string> ServerFaults() => new()
    {
        { "token-html", "the token server's answer is not JSON" },
        { "token-number", "the token server's answer holds no token string" },
        { "token-header-injection", "holds characters a header cannot carry" },
        { "token-realm-file", "a Bearer challenge without a usable realm" },
        { "never-answers", "no answer within 1 s" },
        { "manifest-stalls", "nothing arrived for 1 s" },
        { "redirect-to-file", "redirects to file:///etc/passwd, which is not http or https" },
        { "redirect-loop", "more than 5 redirects" },
        { "html-error", "500 Internal Server Error" },
        { "manifest-too-large", "the answer is larger than" },
    };

    [Theory]
    [MemberData(nameof(ServerFaults))]
    public async Task A_faulty_registry_ends_in_a_registry_error_within_seconds(string fault, string expected)
    {
        using var server = new LoopbackServer((_, context) => Fault(fault, context));
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RegistryException>(() => Client(fault: fault).GetManifestAsync(RemoteImage.Parse($"127.0.0.1:{server.Port}/team/app:v1")));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"{fault} took {watch.Elapsed}");
    }

    [Fact]
    public async Task A_manifest_asked_for_by_digest_that_is_other_bytes_is_refused_by_every_reader()
    {
        // A hostile or broken registry answers a digest with another manifest: the pinned image, the descriptor an
        // attestation's subject takes, and the resolved digest all refuse it (one check, where manifests are fetched).
        var served = Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"config\":{},\"layers\":[]}");
        using var server = new LoopbackServer(async (_, context) =>
        {
            context.Response.ContentType = "application/vnd.oci.image.manifest.v1+json";
            await LoopbackServer.Send(context, 200, served);
        });
        var image = RemoteImage.Parse($"127.0.0.1:{server.Port}/team/app@{Digest}");
        var expected = $"team/app@{Digest}: the registry sent a manifest whose digest is {Beacon.Oci.Images.Descriptor.DigestOf(served)}";
        Assert.Equal(expected, (await Assert.ThrowsAsync<RegistryException>(() => Client().GetManifestAsync(image))).Message);
        Assert.Equal(expected, (await Assert.ThrowsAsync<RegistryException>(() => Client().DescribeManifestAsync(image))).Message);
        Assert.Equal(expected, (await Assert.ThrowsAsync<RegistryException>(() => Client().ResolveDigestAsync(image))).Message);
        // By tag, the same bytes are simply what the tag names now.
        Assert.Equal(Beacon.Oci.Images.Descriptor.DigestOf(served), await Client().ResolveDigestAsync(image with { Digest = null, Tag = "v1" }));
    }

    [Fact]
    public async Task A_blob_that_stalls_after_its_headers_is_cut_off_and_leaves_no_file()
    {
        using var server = new LoopbackServer((_, context) => Fault("manifest-stalls", context));
        var path = Path.Combine(_dir.Root, "blob");
        var error = await Assert.ThrowsAsync<RegistryException>(() => Client(fault: "manifest-stalls").DownloadBlobAsync(RemoteImage.Parse($"127.0.0.1:{server.Port}/team/app:v1"), Digest, 1000, path));
        Assert.Contains("nothing arrived for 1 s", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path), "a cut-off download left its file");
        var opened = await Client(fault: "manifest-stalls").OpenBlobAsync(RemoteImage.Parse($"127.0.0.1:{server.Port}/team/app:v1"), Digest);
        await Assert.ThrowsAsync<RegistryException>(() => opened.CopyToAsync(Stream.Null));
    }

    [Fact]
    public async Task A_redirect_to_another_origin_is_followed_without_the_registrys_credentials()
    {
        string? authorizationAtStorage = "not asked";
        using var storage = new LoopbackServer(async (_, context) =>
        {
            authorizationAtStorage = context.Request.Headers["Authorization"];
            await LoopbackServer.Send(context, 200, Encoding.UTF8.GetBytes("layer"));
        });
        using var registry = new LoopbackServer(async (_, context) =>
        {
            if (context.Request.Headers["Authorization"] is null)
            {
                context.Response.Headers["WWW-Authenticate"] = "Basic realm=\"registry\"";
                await LoopbackServer.Send(context, 401);
                return;
            }
            context.Response.Headers["Location"] = $"{storage.Url}/bucket/blob?signature=abc";
            await LoopbackServer.Send(context, 307);
        });
        WriteConfig($"{{\"auths\":{{\"127.0.0.1:{registry.Port}\":{{\"auth\":\"{Convert.ToBase64String(Encoding.UTF8.GetBytes("ci:s3cret"))}\"}}}}}}");
        var digest = Beacon.Oci.Images.Descriptor.DigestOf(Encoding.UTF8.GetBytes("layer"));
        var blob = await Client(new RegistryCredentials(_dir.Root)).GetBlobAsync(RemoteImage.Parse($"127.0.0.1:{registry.Port}/team/app:v1"), digest);
        Assert.Equal("layer", Encoding.UTF8.GetString(blob));
        Assert.Null(authorizationAtStorage);
    }

    /// <summary>
    /// A registry that answers a manifest PUT with DIGEST_INVALID twice (what distribution says while another builder
    /// rewrites a blob's link the manifest names), then takes it: the client asks again. Another 400 is not retried.
    /// </summary>
    [Theory]
    [InlineData("DIGEST_INVALID", 3)]
    [InlineData("MANIFEST_INVALID", 1)]
    public async Task A_manifest_refused_while_its_blobs_are_mid_write_is_put_again(string code, int expectedPuts)
    {
        var puts = 0;
        using var server = new LoopbackServer(async (_, context) =>
        {
            if (Interlocked.Increment(ref puts) <= 2)
            {
                context.Response.ContentType = "application/json";
                await LoopbackServer.Send(context, 400, Encoding.UTF8.GetBytes($"{{\"errors\":[{{\"code\":\"{code}\",\"message\":\"provided digest did not match uploaded content\"}}]}}"));
                return;
            }
            await LoopbackServer.Send(context, 201);
        });
        var image = RemoteImage.Parse($"127.0.0.1:{server.Port}/team/app:v1");
        var manifest = Encoding.UTF8.GetBytes("{\"schemaVersion\":2}");
        if (expectedPuts == 3)
        {
            Assert.Equal(Beacon.Oci.Images.Descriptor.DigestOf(manifest), (await Client().PutManifestAsync(image, manifest, "application/vnd.oci.image.manifest.v1+json")).Digest);
        }
        else
        {
            var error = await Assert.ThrowsAsync<RegistryException>(() => Client().PutManifestAsync(image, manifest, "application/vnd.oci.image.manifest.v1+json"));
            Assert.Equal("PUT manifest team/app:v1: 400 Bad Request: MANIFEST_INVALID provided digest did not match uploaded content", error.Message);
        }
        Assert.Equal(expectedPuts, puts);
    }

    /// <summary>
    /// A blob HEAD answered 500 while another builder rewrites the blob's link (distribution logs "invalid checksum
    /// digest format"): asked again, up to five times in all; a registry that keeps answering 500 is a registry error.
    /// </summary>
    [Theory]
    [InlineData(2, 3)]
    [InlineData(100, 5)]
    public async Task A_blob_head_answered_500_mid_write_is_asked_again(int failures, int expectedHeads)
    {
        var heads = 0;
        using var server = new LoopbackServer(async (_, context) =>
            await LoopbackServer.Send(context, Interlocked.Increment(ref heads) <= failures ? 500 : 200));
        var repository = RemoteImage.Parse($"127.0.0.1:{server.Port}/team/app");
        var digest = "sha256:" + new string('a', 64);
        if (failures < 5)
        {
            Assert.True(await Client().BlobExistsAsync(repository, digest));
        }
        else
        {
            var error = await Assert.ThrowsAsync<RegistryException>(() => Client().BlobExistsAsync(repository, digest));
            Assert.Equal($"HEAD blob team/app@{digest}: 500 Internal Server Error", error.Message);
        }
        Assert.Equal(expectedHeads, heads);
    }

    public static TheoryData<string, string> ConfigFaults() => new()
    {
        { "not json {", "Docker's config.json cannot be read" },
        { "[1, 2]", "it is not a JSON object" },
        { "{\"auths\":{\"HOST\":{\"auth\":\"!!not base64!!\"}}}", "Docker's config.json cannot be read" },
        { "{\"auths\":{\"HOST\":{\"auth\":12345}}}", "Docker's config.json cannot be read" },
        { "{\"auths\":{\"HOST\":{\"auth\":\"bm9jb2xvbg==\"}}}", "is not user:password" },
        { "{\"credHelpers\":{\"HOST\":\"../../bin/sh\"}}", "is not a helper name" },
        { "{\"credHelpers\":{\"HOST\":7}}", "Docker's config.json cannot be read" },
    };

    [Theory]
    [MemberData(nameof(ConfigFaults))]
    public void A_broken_docker_config_is_a_registry_error_naming_the_file(string config, string expected)
    {
        WriteConfig(config.Replace("HOST", "registry.example", StringComparison.Ordinal));
        var error = Assert.Throws<RegistryException>(() => new RegistryCredentials(_dir.Root).For("registry.example"));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_config_json_that_is_a_fifo_is_refused_without_blocking()
    {
        Assert.Equal(0, ProcessRunner.Run("mkfifo", [Path.Combine(_dir.Root, "config.json")]).ExitCode);
        var error = Assert.Throws<RegistryException>(() => new RegistryCredentials(_dir.Root).For("registry.example"));
        Assert.Contains("not a regular file", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string?> HelperBehaviours() => new()
    {
        // A helper that never answers is killed at the bound.
        { "sleep 30", "did not answer within 1 s" },
        // 10 MB on stderr before the answer: read at the same time as stdout, so the helper never blocks on a full pipe.
        { "head -c 10000000 /dev/zero >&2; echo '{\"Username\":\"ci\",\"Secret\":\"s3cret\"}'", null },
        { "echo '<html>'", "answered something that is not JSON" },
        { "head -c 2000000 /dev/zero", "get: the answer is larger than 1048576 bytes" },
        // "credentials not found": anonymous.
        { "echo 'credentials not found in native keychain' >&2; exit 1", null },
    };

    [Theory]
    [MemberData(nameof(HelperBehaviours))]
    public void A_credential_helper_is_bounded_in_time_and_output(string body, string? expected)
    {
        var name = "beacon-test-" + Guid.NewGuid().ToString("N")[..8];
        var helper = Path.Combine(_dir.Root, "docker-credential-" + name);
        File.WriteAllText(helper, $"#!/bin/sh\ncat >/dev/null\n{body}\n");
        File.SetUnixFileMode(helper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        WriteConfig($"{{\"credHelpers\":{{\"registry.example\":\"{name}\"}}}}");
        // The helper is run by its absolute path through a runner that resolves it in this test's folder, as Docker
        // resolves docker-credential-<name> on PATH (the process's PATH is shared by parallel tests, so it is not changed).
        var credentials = new RegistryCredentials(_dir.Root, n => Path.Combine(_dir.Root, n)) { HelperTimeout = body.StartsWith("sleep", StringComparison.Ordinal) ? Bound : TimeSpan.FromSeconds(30) };
        var watch = Stopwatch.StartNew();
        if (expected is null)
        {
            var login = credentials.For("registry.example");
            Assert.True(login is null || login == new RegistryLogin("ci", "s3cret"), login?.ToString());
            Assert.Equal(body.Contains("s3cret", StringComparison.Ordinal), login is not null);
        }
        else
        {
            var error = Assert.Throws<RegistryException>(() => credentials.For("registry.example"));
            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        }
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"the helper took {watch.Elapsed}");
    }

    private void WriteConfig(string json) => File.WriteAllText(Path.Combine(_dir.Root, "config.json"), json);

    private static async Task Fault(string fault, HttpListenerContext context)
    {
        var path = context.Request.Url!.AbsolutePath;
        var port = context.Request.Url.Port;
        switch (fault)
        {
            case "token-html" or "token-number" or "token-header-injection" when path == "/token":
                await LoopbackServer.Send(context, 200, Encoding.UTF8.GetBytes(fault switch
                {
                    "token-html" => "<html><body>Sign in to continue</body></html>",
                    "token-number" => "{\"token\": 12345}",
                    _ => "{\"token\": \"abc\\r\\nX-Injected: 1\"}",
                }));
                return;
            case "token-html" or "token-number" or "token-header-injection" or "token-realm-file":
                var realm = fault == "token-realm-file" ? "file:///etc/passwd" : $"http://127.0.0.1:{port}/token";
                context.Response.Headers["WWW-Authenticate"] = $"Bearer realm=\"{realm}\",service=\"faulty\"";
                await LoopbackServer.Send(context, 401);
                return;
            case "never-answers":
                await Task.Delay(TimeSpan.FromSeconds(30));
                return;
            case "manifest-stalls":
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/vnd.oci.image.manifest.v1+json";
                context.Response.ContentLength64 = 1000;
                await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes("{\"schemaVersion\""));
                await context.Response.OutputStream.FlushAsync();
                await Task.Delay(TimeSpan.FromSeconds(30));
                return;
            case "redirect-to-file":
                context.Response.Headers["Location"] = "file:///etc/passwd";
                await LoopbackServer.Send(context, 302);
                return;
            case "redirect-loop":
                context.Response.Headers["Location"] = path;
                await LoopbackServer.Send(context, 302);
                return;
            case "html-error":
                context.Response.ContentType = "text/html";
                await LoopbackServer.Send(context, 500, Encoding.UTF8.GetBytes("<html><h1>502 Bad Gateway</h1></html>"));
                return;
            case "manifest-too-large":
                context.Response.ContentType = "application/vnd.oci.image.manifest.v1+json";
                await LoopbackServer.Send(context, 200, new byte[5 << 20]);
                return;
        }
    }
}
