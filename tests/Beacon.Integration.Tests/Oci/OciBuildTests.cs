using Beacon.Conda.Channels;
using Beacon.Conda.Packages;
using Beacon.Images.Building;
using Beacon.Images.Planning;
using Beacon.Layers.Documents;
using Beacon.Integration.Tests.Docker;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;
using Beacon.Oci.Building;
using Beacon.Oci.Registry;
using Beacon.TestSupport;
using Beacon.TestSupport.Conda;

namespace Beacon.Integration.Tests.Oci;

/// <summary>
/// The OCI builder end to end on the real registry and engine: three layers of real conda packages (Beacon's test
/// channel) installed without a Docker daemon — core (a data file, a shell script with a text placeholder, the python
/// stand-in), tools (a noarch: python package with an entry point) and app (a static C program whose binary
/// placeholder is rewritten) — pushed, then pulled and run on Docker.
/// </summary>
[Collection("docker")]
public sealed class OciBuildTests(DockerFixture docker) : IClassFixture<DockerFixture>, IDisposable
{
    private readonly TempRepo _repo = new("beacon-oci-");
    private readonly string _namespace = "beacon-oci-" + Guid.NewGuid().ToString("N")[..8];

    private string BaseImage => docker.BusyboxBase;

    private Task<StackSession> Open(string registry) => Open(_repo.Root, registry);

    private static async Task<StackSession> Open(string root, string registry)
    {
        var opening = await StackSessions.OpenAsync(root, "oci-local",
            new StackOptions { Registry = registry, Builder = ImageBuilderKind.Oci, Commits = _ => new Dictionary<string, string>() });
        Assert.True(opening.Success, string.Join("\n", opening.Diagnostics));
        return opening.Session!;
    }

    private async Task<StackSession> Organisation()
    {
        var client = docker.Require();
        // The base image is in the registry (the fixture pushed it), as the builder fetches it (no daemon involved from here on).
        _repo.Write("beacon.yaml", $"channels:\n  beacon-test: {Fixtures.Path("conda", "beacon-test-channel")}\n");
        _repo.Write("layers/core.yaml", $"name: core\nplatform: linux-64\nbase-image: {BaseImage}\nchannels: [beacon-test]\nstage: production\ndependencies:\n  - python 3.11.*\n  - beacon-greeting\n");
        _repo.Write("layers/tools.yaml", "name: tools\nparent: core\nstage: production\ndependencies:\n  - beacon-py\n");
        _repo.Write("layers/app.yaml", "name: app\nparent: tools\nstage: production\ndependencies:\n  - beacon-app\n");
        _repo.Write("stacks/Pulumi.oci-local.yaml", $"config:\n  beacon:cloud: local\n  beacon:registry: {docker.Registry}/{_namespace}\n");
        var workspace = WorkspaceLoader.Load(_repo.Root).Workspace!;
        using var locker = DockerFixture.Locker(workspace);
        var run = await locker.RunAsync(new LockOptions());
        Assert.True(run.Success, string.Join("\n", run.Results.OfType<LayerNotLocked>().Select(r => r.Explanation)));
        locker.Write(run);
        return await Open($"{docker.Registry}/{_namespace}");
    }

    private OciImageBuilder Builder(HttpClient http) =>
        new(new RegistryClient(http, new RegistryCredentials(null)), new PackageCache(_repo.Path_(".cache")));

    [SkippableFact]
    public async Task Three_layers_are_installed_pushed_by_digest_reused_and_run_on_docker()
    {
        var session = await Organisation();
        var channels = await ChannelIndex.LoadAsync(session.Workspace, new ChannelLoader(null));
        using var http = new HttpClient();
        var registry = $"{docker.Registry}/{_namespace}";
        var first = await Builder(http).BuildAsync(session, channels);

        Assert.Equal(["core", "tools", "app"], first.Select(i => i.Layer));
        Assert.All(first, i => Assert.False(i.Reused));
        var (core, tools, app) = (first[0], first[1], first[2]);
        Assert.Equal(core.Layers + 1, tools.Layers);
        Assert.Equal(tools.Layers + 1, app.Layers);
        // The child sends only its own layer and config: every parent layer is mounted or already there.
        Assert.Equal(2, app.Pushes.Count(p => p.BytesSent > 0));
        Assert.All(app.Pushes.Take(app.Layers - 1), p => Assert.True(p.Kind is BlobPushKind.Existed or BlobPushKind.Mounted, p.ToString()));
        Assert.Equal(app.Pushes[app.Layers - 1].Size + app.Pushes[app.Layers].Size, app.BytesUploaded);
        Assert.Equal(["beacon-greeting-1.0-0", "python-3.11.0-0_standin"], core.Install!.Packages.Select(p => p.Record.DistString).Order());

        // A rebuild sends nothing; a build into another repository gives the same digests.
        var again = await Builder(http).BuildAsync(session, channels);
        Assert.All(again, i => Assert.True(i.Reused && i.BytesUploaded == 0));
        Assert.Equal(first.Select(i => i.ManifestDigest), again.Select(i => i.ManifestDigest));
        var elsewhere = await Builder(http).BuildAsync(await Open(registry + "-copy"), channels);
        Assert.Equal(first.Select(i => i.ManifestDigest), elsewhere.Select(i => i.ManifestDigest));

        // Pulled by digest and run on the engine: the grandchild's program finds its grandparent's file through the
        // prefix that replaced its binary placeholder; the core's script had its text placeholder replaced.
        var client = docker.Require();
        await client.PullAsync(app.Pinned, null, null);
        var (exit, output) = await docker.RunAsync(app.Pinned, "/opt/conda/bin/beacon-app");
        Assert.True(exit == 0, output);
        Assert.Equal("beacon-app: prefix /opt/conda\nhello from the core layer\n", output);
        (exit, output) = await docker.RunAsync(app.Pinned, "beacon-hello");
        Assert.Equal("beacon-hello: prefix /opt/conda\nhello from the core layer\n", output);
        (exit, output) = await docker.RunAsync(app.Pinned, "sh", "-c", "id -u; head -1 /opt/conda/bin/beacon-py; ls /opt/conda/lib/python3.11/site-packages; cat /opt/conda/conda-meta/history");
        Assert.Equal("10001\n#!/opt/conda/bin/python3.11\nbeacon_py\n==> 1970-01-01 00:00:00 <==\n# cmd: beacon build (layer core)\n" +
            "+https://conda.anaconda.org/beacon-test::beacon-greeting-1.0-0\n+https://conda.anaconda.org/beacon-test::python-3.11.0-0_standin\n" +
            "==> 1970-01-01 00:00:00 <==\n# cmd: beacon build (layer tools)\n+https://conda.anaconda.org/beacon-test::beacon-py-1.0-py_0\n" +
            "==> 1970-01-01 00:00:00 <==\n# cmd: beacon build (layer app)\n+https://conda.anaconda.org/beacon-test::beacon-app-1.0-0\n", output);
    }

    [SkippableFact]
    public async Task A_tampered_package_is_refused_before_anything_is_pushed()
    {
        var session = await Organisation();
        // The channel folder as the lock knows it, with one byte of beacon-app changed.
        var copy = _repo.Path_("tampered");
        foreach (var file in Directory.EnumerateFiles(Fixtures.Path("conda", "beacon-test-channel"), "*", SearchOption.AllDirectories))
        {
            _repo.WriteBytes(Path.Combine("tampered", Path.GetRelativePath(Fixtures.Path("conda", "beacon-test-channel"), file)), File.ReadAllBytes(file));
        }
        var archive = Path.Combine(copy, "linux-64", "beacon-app-1.0-0.conda");
        var bytes = File.ReadAllBytes(archive);
        bytes[^100] ^= 0xff;
        File.WriteAllBytes(archive, bytes);
        _repo.Write("beacon.yaml", $"channels:\n  beacon-test: {copy}\n");
        var tampered = await Open($"{docker.Registry}/{_namespace}");
        var channels = await ChannelIndex.LoadAsync(tampered.Workspace, new ChannelLoader(null));
        using var http = new HttpClient();
        var registry = $"{docker.Registry}/{_namespace}";
        var e = await Assert.ThrowsAsync<PackageFetchException>(() => Builder(http).BuildAsync(tampered, channels, ["app"]));
        Assert.Contains("beacon-app-1.0-0.conda from", e.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was installed", e.Message, StringComparison.Ordinal);
        // core and tools were built (their packages are intact); app's image never reached the registry.
        var client = new RegistryClient(http, new RegistryCredentials(null));
        string Identity(string parent, string layer) => OciIdentity.Tag(parent, "/opt/conda", File.ReadAllText(_repo.Path_($"layers/{layer}.lock")));
        // The root's identity starts from the base image as its lock pins it, by digest.
        var pinned = LockStore.Read(tampered.Workspace, "core")!.Lock!.BaseImage!;
        Assert.StartsWith(BaseImage + "@sha256:", pinned, StringComparison.Ordinal);
        var appTag = Identity(Identity(Identity(pinned, "core"), "tools"), "app");
        Assert.Equal(appTag, tampered.Plan.Images.Single(i => i.Layer == "app").Tag);
        Assert.False(await client.ManifestExistsAsync(Beacon.Oci.References.RemoteImage.Parse($"{registry}/app:{appTag}")));

        // Through the CLI: a coded refusal, exit 1.
        var cli = ProcessRunner.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "beacon.dll"), "build", "app", "--builder", "oci", "--stack", "oci-local"], _repo.Root,
            new Dictionary<string, string?> { ["BEACON_CACHE_DIR"] = _repo.Path_(".cli-cache") });
        Assert.Equal(1, cli.ExitCode);
        Assert.Contains("beacon build: error BEA0617: beacon-app-1.0-0.conda from ", cli.Stderr, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Beacon_build_with_the_oci_builder_prints_each_image_by_digest_and_what_it_uploaded()
    {
        await Organisation();
        var env = new Dictionary<string, string?> { ["BEACON_CACHE_DIR"] = _repo.Path_(".cache"), ["NO_COLOR"] = "1" };
        var first = ProcessRunner.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "beacon.dll"), "build", "--builder", "oci", "--stack", "oci-local"], _repo.Root, env);
        Assert.True(first.ExitCode == 0, first.Stderr);
        var lines = first.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Matches($@"^built     core  {docker.Registry}/{_namespace}/core@sha256:[0-9a-f]{{64}}  [0-9]+ layers, [0-9.]+ (KiB|B) uploaded$", lines[0]);
        Assert.StartsWith("built     app  ", lines[2], StringComparison.Ordinal);
        Assert.Contains("fetching beacon-app-1.0-0.conda", first.Stderr, StringComparison.Ordinal);
        // Not a terminal: progress is timestamped lines (a download or an upload by its quarters), pinned with the
        // times and the registry's address masked; the sizes are the test channel's and the reproducible layers'.
        var plain = System.Text.RegularExpressions.Regex.Replace(first.Stderr, @"(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ  ", "<time>  ")
            .Replace($"{docker.Registry}/{_namespace}", "<registry>", StringComparison.Ordinal);
        plain = System.Text.RegularExpressions.Regex.Replace(plain, "sha256:[0-9a-f]{64}", "sha256:<digest>");
        // The proof's downloads arrive in whatever reads the network gives: their quarter lines vary, their "done" does not.
        plain = System.Text.RegularExpressions.Regex.Replace(plain, @"(?m)^<time>  \S+: image layer [0-9a-f]{12}  .*(?<!  done)\n", "");
        Assert.All(plain.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.StartsWith("<time>  ", l, StringComparison.Ordinal));
        Snapshot.Match(plain, "oci-build-plain-progress");

        var second = ProcessRunner.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "beacon.dll"), "build", "--builder", "oci", "--stack", "oci-local"], _repo.Root, env);
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.All(second.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.Matches("^reused    .* 0 B uploaded$", l));
    }

    private string[] BuildProcesses(int count, string cache)
    {
        var env = new Dictionary<string, string?> { ["BEACON_CACHE_DIR"] = cache, ["NO_COLOR"] = "1" };
        var runs = Enumerable.Range(0, count).Select(_ => Task.Run(() =>
            ProcessRunner.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "beacon.dll"), "build", "--builder", "oci", "--stack", "oci-local"], _repo.Root, env, TimeSpan.FromMinutes(4)))).ToArray();
        Task.WaitAll(runs);
        Assert.All(runs, r => Assert.True(r.Result.ExitCode == 0, r.Result.Stderr));
        // "built     core  <registry>/<ns>/core@sha256:...  3 layers, ..." or "reused    core  ...": the layer and its digest.
        return runs.Select(r => string.Join("\n", r.Result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(2))))).ToArray();
    }

    /// <summary>Three oci builds at once on one package cache and one registry: each succeeds and names the same digests.</summary>
    [SkippableFact]
    public async Task Parallel_oci_builds_sharing_a_cache_all_succeed_with_the_same_digests()
    {
        await Organisation();
        // BEACON_CACHE_DIR holds repodata, and the package cache in its pkgs/.
        var digests = BuildProcesses(3, _repo.Path_("cache"));
        Assert.Equal(3, digests[0].Split('\n').Length);
        Assert.All(digests, d => Assert.Equal(digests[0], d));
        Assert.Empty(Directory.GetDirectories(_repo.Path_("cache/pkgs/scratch")));
    }

    /// <summary>
    /// Builds killed with SIGKILL inside their work (no finally block runs): the next build sweeps what they left in the
    /// cache's scratch space, finishes, and names the digests of a build that was never interrupted (made with a fresh
    /// cache into another namespace of the registry).
    /// </summary>
    [SkippableFact]
    public async Task Oci_builds_killed_inside_their_work_leave_nothing_behind_and_the_rebuild_gives_the_clean_digests()
    {
        await Organisation();
        // Each run is killed right after its k-th progress line (reading channels, building a layer, fetching a
        // package, pushing a layer): points inside the work, wherever the earlier kills left it. A build of these
        // three small layers takes a quarter of a second, so a kill can land after the work it aimed at: a round
        // whose four kills all missed starts again with a fresh cache and registry namespace (CI saw one such round).
        var leftBehind = 0;
        string cache = "", scratch = "", killed = "";
        for (var round = 0; round < 5 && leftBehind == 0; round++)
        {
            cache = _repo.Path_($"cache-{round}");
            scratch = Path.Combine(cache, "pkgs", "scratch");
            killed = $"{_namespace}-k{round}";
            _repo.Write("stacks/Pulumi.oci-local.yaml", $"config:\n  beacon:cloud: local\n  beacon:registry: {docker.Registry}/{killed}\n");
            foreach (var k in new[] { 3, 5, 2, 7 })
            {
                var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { WorkingDirectory = _repo.Root, RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "beacon.dll"), "build", "--builder", "oci", "--stack", "oci-local" })
                {
                    psi.ArgumentList.Add(arg);
                }
                psi.Environment["BEACON_CACHE_DIR"] = cache;
                using var process = new System.Diagnostics.Process { StartInfo = psi };
                var lines = 0;
                process.ErrorDataReceived += (_, e) =>
                {
                    if (e.Data is not null && Interlocked.Increment(ref lines) == k)
                    {
                        process.Kill(); // SIGKILL: no finally block of the build runs
                    }
                };
                process.Start();
                process.BeginErrorReadLine();
                process.BeginOutputReadLine();
                Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)));
                leftBehind += Directory.Exists(scratch) ? Directory.GetDirectories(scratch).Length : 0;
            }
        }
        Assert.True(leftBehind > 0, "no kill hit a build at work in five rounds");
        var resumed = BuildProcesses(1, cache)[0];
        Assert.Empty(Directory.GetDirectories(scratch));
        Assert.DoesNotContain(Directory.GetFiles(scratch), f => !f.EndsWith(".lock", StringComparison.Ordinal));

        // The same organisation built without interruption, with a fresh cache, into another namespace.
        var clean = _namespace + "-clean";
        _repo.Write("stacks/Pulumi.oci-local.yaml", $"config:\n  beacon:cloud: local\n  beacon:registry: {docker.Registry}/{clean}\n");
        var uninterrupted = BuildProcesses(1, _repo.Path_("clean-cache/repodata"))[0];
        Assert.Equal(uninterrupted.Replace($"/{clean}/", $"/{killed}/", StringComparison.Ordinal), resumed);
    }

    /// <summary>
    /// A stack that says beacon:builder oci: `beacon build` pushes by digest, `beacon test` pulls that digest and runs
    /// the layer's tests in it, `beacon publish` puts the stage tag on the tested manifest — the registry's
    /// &lt;layer&gt;:&lt;stage&gt; is the digest that was built and tested, and nothing was uploaded for it.
    /// </summary>
    [SkippableFact]
    public async Task An_oci_stack_builds_tests_and_publishes_the_same_digest()
    {
        await Organisation();
        var registry = $"{docker.Registry}/{_namespace}-stack";
        _repo.Write("layers/app.yaml", "name: app\nparent: tools\nstage: experimental\ndependencies:\n  - beacon-app\ntests:\n  - beacon-app | grep -q 'prefix /opt/conda'\n");
        _repo.Write("stacks/Pulumi.oci-stack.yaml", $"config:\n  beacon:cloud: local\n  beacon:registry: {registry}\n  beacon:builder: oci\n  beacon:stages: [experimental, production]\n");
        var env = new Dictionary<string, string?> { ["BEACON_CACHE_DIR"] = _repo.Path_(".cache"), ["NO_COLOR"] = "1" };
        ProcessResult Cli(params string[] args) => ProcessRunner.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "beacon.dll"), .. args], _repo.Root, env);

        var notYet = Cli("test", "app", "--stack", "oci-stack");
        Assert.Equal(1, notYet.ExitCode);
        Assert.Contains("error BEA", notYet.Stderr, StringComparison.Ordinal);
        Assert.Contains("is not built; run 'beacon build app'", notYet.Stderr, StringComparison.Ordinal);

        var build = Cli("build", "--stack", "oci-stack");
        Assert.True(build.ExitCode == 0, build.Stderr);
        var built = build.Stdout.Split('\n').Single(l => l.StartsWith("built     app ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[2];
        Assert.StartsWith($"{registry}/app@sha256:", built, StringComparison.Ordinal);

        var refused = Cli("publish", "app", "--stage", "production", "--stack", "oci-stack");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("have not passed", refused.Stderr, StringComparison.Ordinal);

        var test = Cli("test", "app", "--stack", "oci-stack");
        Assert.True(test.ExitCode == 0, test.Stdout + test.Stderr);
        Assert.Contains($"1 passed, 0 failed ({built}, image sha256:", test.Stdout, StringComparison.Ordinal);

        var publish = Cli("publish", "app", "--stage", "production", "--stack", "oci-stack");
        Assert.True(publish.ExitCode == 0, publish.Stderr);
        var digest = built[(built.IndexOf('@') + 1)..];
        Assert.EndsWith($"{registry}/app:production → {digest}\n", publish.Stdout, StringComparison.Ordinal);
        using var http = new HttpClient();
        var (_, _, production) = await new RegistryClient(http, new RegistryCredentials(null)).GetManifestAsync(Beacon.Oci.References.RemoteImage.Parse($"{registry}/app:production"));
        Assert.Equal(digest, production);
        Assert.Contains("stage: production", File.ReadAllText(_repo.Path_("layers/app.yaml")), StringComparison.Ordinal);
    }

    /// <summary>
    /// beacon run on a local stack: routed like beacon route (and says why), run in the image Beacon pushed (pulled by
    /// digest), output streamed, the command's exit code passed through, the container removed.
    /// </summary>
    [SkippableFact]
    public async Task Beacon_run_routes_like_beacon_route_and_passes_the_exit_code_through()
    {
        await Organisation();
        var registry = $"{docker.Registry}/{_namespace}-run";
        _repo.Write("stacks/Pulumi.oci-run.yaml", $"config:\n  beacon:cloud: local\n  beacon:registry: {registry}\n  beacon:builder: oci\n");
        var env = new Dictionary<string, string?> { ["BEACON_CACHE_DIR"] = _repo.Path_(".cache"), ["NO_COLOR"] = "1" };
        ProcessResult Cli(params string[] args) => ProcessRunner.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "beacon.dll"), .. args], _repo.Root, env);

        var notBuilt = Cli("run", "--requires", "beacon-app", "--stack", "oci-run", "--", "beacon-app");
        Assert.Equal(1, notBuilt.ExitCode);
        Assert.Contains("is not built; run 'beacon build app'", notBuilt.Stderr, StringComparison.Ordinal);
        Assert.True(Cli("build", "--stack", "oci-run").ExitCode == 0);

        var route = Cli("route", "--requires", "beacon-py", "--stack", "oci-run");
        Assert.Equal("tools\n", route.Stdout);
        var run = Cli("run", "--requires", "beacon-py", "--stack", "oci-run", "--", "sh", "-c", "beacon-py; echo to-stderr >&2; id -u");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.StartsWith("beacon run: layer tools: the smallest layer (3 packages) whose lock satisfies beacon-py; not core; image ", run.Stderr, StringComparison.Ordinal);
        Assert.EndsWith("to-stderr\n", run.Stderr, StringComparison.Ordinal);
        Assert.EndsWith("\n10001\n", run.Stdout, StringComparison.Ordinal);

        var failing = Cli("run", "--layer", "core", "--stack", "oci-run", "--", "sh", "-c", "echo partial; exit 7");
        Assert.Equal(7, failing.ExitCode);
        Assert.Equal("partial\n", failing.Stdout);

        // The engine here has no NVIDIA runtime (no GPU host, no NVIDIA Container Toolkit): a GPU profile's container
        // cannot start, and the cause is named with its own code, not "no Docker engine answers".
        var gpu = Cli("run", "--layer", "core", "--hardware", "gpu", "--stack", "oci-run", "--", "true");
        Assert.True(gpu.ExitCode == 3, gpu.Stderr);
        Assert.Contains("beacon run: error BEA0620: the Docker engine cannot give this container a GPU (could not select device driver \"nvidia\")", gpu.Stderr, StringComparison.Ordinal);
        var left = await docker.Require().ListContainersAsync(new Dictionary<string, string> { ["io.beacon.layer"] = "core" });
        Assert.Empty(left);
    }

    /// <summary>
    /// A child built on parents the registry already holds: the parents' environment (files, history) is read from
    /// their layers, so the child is byte-identical to one built with its parents in one go, and a rebuild of an
    /// unchanged tree reads no layer at all.
    /// </summary>
    [SkippableFact]
    public async Task A_child_on_reused_parents_is_the_same_image_as_one_built_with_them()
    {
        var session = await Organisation();
        var channels = await ChannelIndex.LoadAsync(session.Workspace, new ChannelLoader(null));
        using var http = new HttpClient();
        var parentsFirst = $"{docker.Registry}/{_namespace}-parents";
        var parents = await Builder(http).BuildAsync(await Open(parentsFirst), channels, ["tools"]);
        Assert.Equal(["core", "tools"], parents.Select(i => i.Layer));
        var onReused = await Builder(http).BuildAsync(await Open(parentsFirst), channels);
        Assert.Equal([true, true, false], onReused.Select(i => i.Reused));
        var together = await Builder(http).BuildAsync(await Open($"{docker.Registry}/{_namespace}-together"), channels);
        Assert.Equal(together.Select(i => i.ManifestDigest), onReused.Select(i => i.ManifestDigest));
    }

    /// <summary>The root names the prefix: every layer installs there, placeholders are rewritten to it, PATH follows.</summary>
    [SkippableFact]
    public async Task A_root_prefix_is_where_every_layer_installs()
    {
        await Organisation();
        _repo.Write("layers/core.yaml", File.ReadAllText(_repo.Path_("layers/core.yaml")).Replace("name: core\n", "name: core\nprefix: /srv/env\n", StringComparison.Ordinal));
        var session = await Open($"{docker.Registry}/{_namespace}-prefix");
        Assert.All(session.Plan.Images, i => Assert.Equal("/srv/env", i.Prefix));
        using var http = new HttpClient();
        var built = await Builder(http).BuildAsync(session, await ChannelIndex.LoadAsync(session.Workspace, new ChannelLoader(null)));
        var app = built.Single(i => i.Layer == "app");
        await docker.Require().PullAsync(app.Pinned, null, null);
        var (exit, output) = await docker.RunAsync(app.Pinned, "sh", "-c", "beacon-app && head -1 /srv/env/bin/beacon-py && echo $CONDA_PREFIX && test ! -e /opt/conda && echo no /opt/conda");
        Assert.True(exit == 0, output);
        Assert.Equal("beacon-app: prefix /srv/env\nhello from the core layer\n#!/srv/env/bin/python3.11\n/srv/env\nno /opt/conda\n", output);
    }

    [SkippableFact]
    public async Task A_package_with_links_to_folders_builds_into_an_image_docker_reads_through_them()
    {
        await Organisation();
        // lib/alias -> real and lib/self -> . as real packages carry them: each is one link in the layer, not a walk.
        CondaPackageBuilder.Channel(_repo.Path_("linky-channel"), new CondaPackageBuilder("linky")
            .File("lib/real/data.txt", "read through the link\n").Symlink("lib/alias", "real").Symlink("lib/self", "."));
        _repo.Write("beacon.yaml", $"channels:\n  beacon-test: {Fixtures.Path("conda", "beacon-test-channel")}\n  linky: {_repo.Path_("linky-channel")}\n");
        _repo.Write("layers/core.yaml", $"name: core\nplatform: linux-64\nbase-image: {BaseImage}\nchannels: [beacon-test, linky]\nstage: production\ndependencies:\n  - python 3.11.*\n  - linky\n");
        using var locker = DockerFixture.Locker(WorkspaceLoader.Load(_repo.Root).Workspace!);
        var locked = await locker.RunAsync(new LockOptions());
        Assert.True(locked.Success, string.Join("\n", locked.Results.OfType<LayerNotLocked>().Select(r => r.Explanation)));
        locker.Write(locked);
        var session = await Open($"{docker.Registry}/{_namespace}-links");
        using var http = new HttpClient();
        var built = await Builder(http).BuildAsync(session, await ChannelIndex.LoadAsync(session.Workspace, new ChannelLoader(null)), ["core"]);
        var core = built.Single(i => i.Layer == "core");

        await docker.Require().PullAsync(core.Pinned, null, null);
        var (exit, output) = await docker.RunAsync(core.Pinned, "sh", "-c", "cat /opt/conda/lib/alias/data.txt /opt/conda/lib/self/self/real/data.txt; readlink /opt/conda/lib/alias; readlink /opt/conda/lib/self");
        Assert.True(exit == 0, output);
        Assert.Equal("read through the link\nread through the link\nreal\n.\n", output);
    }

    public void Dispose() => _repo.Dispose();
}
