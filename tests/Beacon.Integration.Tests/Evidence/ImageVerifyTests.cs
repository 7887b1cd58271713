using System.Formats.Tar;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Beacon.Evidence.Tests.Sbom;
using Beacon.Integration.Tests.Docker;
using Beacon.TestSupport;

namespace Beacon.Integration.Tests.Evidence;

/// <summary>
/// <c>beacon verify</c> on real images (issue 22 item 1). Three layers of Beacon's test channel are built by the oci
/// builder and pushed to the real registry; the clean image verifies. Each mutation is a real image built by the
/// Docker engine FROM the clean one (so deletions are whiteouts in a Docker-built layer) and re-pushed: a flipped byte,
/// a deleted file, a package's files dropped, a stray file, a conda-meta record changed — each fails naming the package
/// and file, read from the registry and, for two of them, from the engine (docker save). A .pyc compiled from a
/// package's own source is allowed, as conda and micromamba write them. <c>publish</c> refuses the plan's image once
/// its tag names a mutated image, and publishes it again once the tag names the clean one.
/// No micromamba can run here (no conda installer, no channel a build container reaches), so no image of the
/// Dockerfile builder holds a real environment to prove clean; the engine path is proven on Docker-built images.
/// </summary>
[Collection("docker")]
public sealed class ImageVerifyTests(DockerFixture docker) : IClassFixture<DockerFixture>, IDisposable
{
    private readonly TempRepo _repo = new("beacon-verify-");
    private readonly string _namespace = "beacon-verify-" + Guid.NewGuid().ToString("N")[..8];

    private ProcessResult Beacon(params string[] args) => ProcessRunner.Beacon(_repo.Root, _repo.Path_(".cache"), TimeSpan.FromMinutes(3), args);

    /// <summary>Three layers of the test channel built by the oci builder and pushed; returns build's output and app's image by digest.</summary>
    private async Task<(string Build, string Clean, string Registry)> BuildAsync()
    {
        var client = docker.Require();
        var registry = $"{docker.Registry}/{_namespace}";
        _repo.CopyFrom(Fixtures.Path("conda", "beacon-test-channel"), "channels/beacon-test");
        _repo.Write("beacon.yaml", "channels:\n  beacon-test: ./channels/beacon-test\n");
        _repo.Write("layers/core.yaml", $"name: core\nplatform: linux-64\nbase-image: {docker.BusyboxBase}\nchannels: [beacon-test]\nstage: production\ndependencies:\n  - python 3.11.*\n  - beacon-greeting\n");
        _repo.Write("layers/tools.yaml", "name: tools\nparent: core\nstage: production\ndependencies:\n  - beacon-py\n");
        _repo.Write("layers/app.yaml", "name: app\nparent: tools\nstage: experimental\ndependencies:\n  - beacon-app\ntests:\n  - test -d /opt/conda/conda-meta\n");
        _repo.Write("stacks/Pulumi.oci.yaml", $"config:\n  beacon:cloud: local\n  beacon:registry: {registry}\n  beacon:builder: oci\n  beacon:stages: [experimental, production]\n");
        Assert.Equal(0, Beacon("lock", "--quiet").ExitCode);
        var build = Beacon("build", "--stack", "oci");
        Assert.True(build.ExitCode == 0, build.Stdout + build.Stderr);
        return (build.Stdout, Built(build.Stdout, "app"), registry);
    }

    private static string Built(string build, string layer) =>
        build.Split('\n').Single(l => l.StartsWith($"built     {layer} ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[2];

    [SkippableFact]
    public async Task The_clean_image_verifies_every_mutation_fails_naming_it_and_publish_refuses_it()
    {
        var client = docker.Require();
        var (buildOutput, clean, registry) = await BuildAsync();
        var verified = Beacon("verify", clean, "--layer", "app");
        Assert.True(verified.ExitCode == 0, verified.Stdout + verified.Stderr);
        Assert.Equal($"verified {clean}: 4 packages, 8 files under /opt/conda are exactly the locks of core → tools → app\n", verified.Stdout);
        // Not a terminal: each image layer's download is shown as timestamped lines, ending "done".
        Assert.Matches(@"(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ  app: image layer [0-9a-f]{12}  [0-9.]+ [KMG]?i?B/[0-9.]+ [KMG]?i?B  done$", verified.Stderr);
        // The image of a parent is not the child's locks: app's package is missing from tools' image.
        var tools = Built(buildOutput, "tools");
        var wrongLayer = Beacon("verify", tools, "--layer", "app");
        Assert.Equal(1, wrongLayer.ExitCode);
        Assert.Contains("  beacon-app-1.0-0: bin/beacon-app: missing from the image\n", wrongLayer.Stderr, StringComparison.Ordinal);

        var mutations = new (string Name, string Run, string Finding)[]
        {
            ("flipped", "printf X | dd of=/opt/conda/bin/beacon-app bs=1 seek=200 conv=notrunc",
                "  beacon-app-1.0-0: bin/beacon-app: the image has sha256 "),
            ("deleted", "rm /opt/conda/share/beacon/greeting.txt",
                "  beacon-greeting-1.0-0: share/beacon/greeting.txt: missing from the image\n"),
            ("dropped", "rm -r /opt/conda/lib/python3.11/site-packages/beacon_py /opt/conda/bin/beacon-py /opt/conda/bin/beacon-py-report",
                "  beacon-py-1.0-py_0: lib/python3.11/site-packages/beacon_py/__init__.py: missing from the image\n"),
            ("stray", "mkdir -p /opt/conda/lib/python3.11/site-packages/beacon_py/__pycache__ && echo compiled > /opt/conda/lib/python3.11/site-packages/beacon_py/__pycache__/__init__.cpython-311.pyc && echo stray > /opt/conda/lib/stray.txt",
                "  lib/stray.txt: belongs to no package of the locks\n"),
            ("mode", "chmod a-x /opt/conda/bin/beacon-app",
                "  beacon-app-1.0-0: bin/beacon-app: not executable in the image; the package installs it executable\n"),
            ("record", "sed -i 's/\"version\": \"1.0\"/\"version\": \"1.1\"/' /opt/conda/conda-meta/beacon-app-1.0-0.json",
                "  beacon-app-1.0-0: conda-meta/beacon-app-1.0-0.json: says version '1.1'; the lock's record says '1.0'\n"),
        };
        var mutated = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, run, finding) in mutations)
        {
            var repository = $"{registry}-mutated/app";
            await client.BuildAsync(Context($"FROM {clean}\nUSER root\nRUN {run}\n"), $"{repository}:{name}", new Dictionary<string, string>(), null);
            await client.PushAsync(repository, name, null, null);
            mutated[name] = $"{repository}:{name}";
            var failed = Beacon("verify", mutated[name], "--layer", "app");
            Assert.True(failed.ExitCode == 1, name + ": " + failed.Stdout + failed.Stderr);
            Assert.Contains(finding, failed.Stderr, StringComparison.Ordinal);
            Assert.Contains("beacon verify: error BEA0627: ", failed.Stderr, StringComparison.Ordinal);
            Assert.Equal("", failed.Stdout);
        }
        var dropped = Beacon("verify", mutated["dropped"], "--layer", "app").Stderr;
        Assert.Contains("  beacon-py-1.0-py_0: bin/beacon-py: missing from the image\n", dropped, StringComparison.Ordinal);
        Assert.Contains("  beacon-py-1.0-py_0: bin/beacon-py-report: missing from the image\n", dropped, StringComparison.Ordinal);
        // The compiled .pyc of the package's own source is allowed; the stray file is the only finding.
        var stray = Beacon("verify", mutated["stray"], "--layer", "app").Stderr;
        Assert.DoesNotContain("__pycache__", stray, StringComparison.Ordinal);
        Assert.Contains("is not the locks of core → tools → app: 1 finding(s)", stray, StringComparison.Ordinal);

        // The engine's copy, as docker save writes it: the deletion is a whiteout the reader applies.
        var fromEngine = Beacon("verify", mutated["deleted"], "--layer", "app", "--engine");
        Assert.Equal(1, fromEngine.ExitCode);
        Assert.Contains(mutations[1].Finding, fromEngine.Stderr, StringComparison.Ordinal);
        await client.PullAsync(clean, null, null);
        var cleanEngine = Beacon("verify", clean, "--layer", "app", "--engine");
        Assert.True(cleanEngine.ExitCode == 0, cleanEngine.Stdout + cleanEngine.Stderr);

        // publish: the plan's tag names each mutated image in turn; each passes its tests and is refused as not its locks.
        var planned = clean;
        var identity = Beacon("plan", "--stack", "oci").Stdout.Split('\n').Single(l => l.Contains("─ app  ", StringComparison.Ordinal)).Split(' ').Single(t => t.StartsWith($"{registry}/app:", StringComparison.Ordinal));
        var tag = identity[(identity.LastIndexOf(':') + 1)..];
        foreach (var (name, _, finding) in mutations)
        {
            await client.TagAsync(mutated[name], $"{registry}/app", tag);
            await client.PushAsync($"{registry}/app", tag, null, null);
            var test = Beacon("test", "app", "--stack", "oci");
            Assert.True(test.ExitCode == 0, test.Stdout + test.Stderr);
            var refused = Beacon("publish", "app", "--stage", "production", "--stack", "oci");
            Assert.True(refused.ExitCode == 1, name + ": " + refused.Stdout + refused.Stderr);
            Assert.Contains("beacon publish: error BEA0608: refused: ", refused.Stderr, StringComparison.Ordinal);
            Assert.Contains("is not the locks of core → tools → app: ", refused.Stderr, StringComparison.Ordinal);
            Assert.Contains(finding, refused.Stderr, StringComparison.Ordinal);
            Assert.Contains("stage: experimental", File.ReadAllText(_repo.Path_("layers/app.yaml")), StringComparison.Ordinal);
        }

        // The clean image back under the tag: tested again, proven, published.
        await client.PullAsync(planned, null, null);
        await client.TagAsync(planned, $"{registry}/app", tag);
        await client.PushAsync($"{registry}/app", tag, null, null);
        Assert.Equal(0, Beacon("test", "app", "--stack", "oci").ExitCode);
        var published = Beacon("publish", "app", "--stage", "production", "--stack", "oci");
        Assert.True(published.ExitCode == 0, published.Stdout + published.Stderr);
    }

    /// <summary>
    /// The SBOMs of the proven image in both formats validate against the official schemas and list exactly the locked
    /// packages; attached and signed beside the image (the registry's tag list, with curl, shows them next to the
    /// provenance), they verify with the key and fail with another; an image that is not its locks gets no SBOM.
    /// </summary>
    [SkippableFact]
    public async Task Sboms_of_a_proven_image_validate_list_the_locked_packages_and_are_signed_beside_it()
    {
        var client = docker.Require();
        var (_, clean, registry) = await BuildAsync();
        var locked = global::Beacon.Layers.Locking.LockStore.Read(global::Beacon.Layers.Loading.WorkspaceLoader.Load(_repo.Root).Workspace!, "app")!.Lock!.Packages
            .Select(p => $"{p.Name} {p.Version.Text}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(4, locked.Count);

        var cyclonedx = Beacon("sbom", clean, "--layer", "app", "--format", "cyclonedx");
        Assert.True(cyclonedx.ExitCode == 0, cyclonedx.Stderr);
        SbomSchemas.AssertValid(SbomSchemas.CycloneDx.Value, Encoding.UTF8.GetBytes(cyclonedx.Stdout));
        var bom = JsonNode.Parse(cyclonedx.Stdout)!;
        Assert.Equal(locked, bom["components"]!.AsArray().Where(c => (string?)c!["type"] == "library")
            .Select(c => $"{c!["name"]} {c["version"]}").Order(StringComparer.Ordinal));
        Assert.Equal(clean[(clean.IndexOf('@') + 1)..], (string?)bom["metadata"]!["component"]!["version"]);
        Assert.Equal(cyclonedx.Stdout, Beacon("sbom", clean, "--layer", "app").Stdout); // the same image, the same bytes

        var blocked = Beacon("sbom", clean, "--layer", "app", "--output", "channels"); // a folder stands there
        Assert.True(blocked.ExitCode == 2, blocked.Stderr);
        Assert.Contains("beacon sbom: error BEA0610: --output: ", blocked.Stderr, StringComparison.Ordinal);
        var spdx = Beacon("sbom", clean, "--layer", "app", "--format", "spdx", "--output", "app.spdx.json");
        Assert.True(spdx.ExitCode == 0, spdx.Stderr);
        var document = File.ReadAllBytes(_repo.Path_("app.spdx.json"));
        SbomSchemas.AssertValid(SbomSchemas.Spdx.Value, document);
        Assert.Equal(locked, JsonNode.Parse(document)!["packages"]!.AsArray().Where(p => (string?)p!["primaryPackagePurpose"] == "LIBRARY")
            .Select(p => $"{p!["name"]} {p["versionInfo"]}").Order(StringComparer.Ordinal));

        void OpenSsl(params string[] args) => Assert.Equal(0, ProcessRunner.Run("openssl", args, _repo.Root).ExitCode);
        OpenSsl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "signing.pem");
        OpenSsl("ec", "-in", "signing.pem", "-pubout", "-out", "signing.pub.pem");
        OpenSsl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "other.pem");
        OpenSsl("ec", "-in", "other.pem", "-pubout", "-out", "other.pub.pem");
        Assert.Equal(0, Beacon("attest", clean, "--layer", "app", "--key", "signing.pem").ExitCode);
        var attached = Beacon("sbom", clean, "--layer", "app", "--attach", "--key", "signing.pem", "--output", "app.cdx.json");
        Assert.True(attached.ExitCode == 0, attached.Stderr);
        var hex = clean[(clean.IndexOf("sha256:", StringComparison.Ordinal) + 7)..];
        Assert.Matches($"attached CycloneDX and SPDX \\(key [^)]+\\): {System.Text.RegularExpressions.Regex.Escape(registry)}/app:sha256-{hex}\\.sbom "
            + "\\(the registry did not say it lists it in a referrers API: found by its tag\\)\n", attached.Stderr);
        var tags = ProcessRunner.Run("curl", ["-sf", $"http://{docker.Registry}/v2/{_namespace}/app/tags/list"], _repo.Root);
        Assert.True(tags.ExitCode == 0, tags.Stderr);
        var listed = JsonDocument.Parse(tags.Stdout).RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).ToList();
        Assert.Contains($"sha256-{hex}.att", listed);
        Assert.Contains($"sha256-{hex}.sbom", listed);

        var verified = Beacon("verify", clean, "--layer", "app", "--key", "signing.pub.pem");
        Assert.True(verified.ExitCode == 0, verified.Stdout + verified.Stderr);
        Assert.Contains("https://slsa.dev/provenance/v1 attestation verified", verified.Stdout, StringComparison.Ordinal);
        Assert.Contains("https://cyclonedx.org/bom, https://spdx.dev/Document attestations verified", verified.Stdout, StringComparison.Ordinal);
        var wrongKey = Beacon("verify", clean, "--layer", "app", "--key", "other.pub.pem");
        Assert.Equal(1, wrongKey.ExitCode);
        Assert.Contains("is not signed by the given key", wrongKey.Stderr, StringComparison.Ordinal);

        // An image that is not its locks: no SBOM.
        var repository = $"{registry}-mutated/app";
        await client.BuildAsync(Context($"FROM {clean}\nUSER root\nRUN echo stray > /opt/conda/stray.txt\n"), $"{repository}:stray", new Dictionary<string, string>(), null);
        await client.PushAsync(repository, "stray", null, null);
        var refused = Beacon("sbom", $"{repository}:stray", "--layer", "app");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("  stray.txt: belongs to no package of the locks\n", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("error BEA0627: ", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("no SBOM is written for it", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal("", refused.Stdout);
    }

    private static MemoryStream Context(string dockerfile)
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "Dockerfile") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(dockerfile)) });
        }
        tar.Position = 0;
        return tar;
    }

    public void Dispose() => _repo.Dispose();
}
