using System.Text.Json;
using Beacon.Conda.Channels;
using Beacon.Integration.Tests.Docker;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;
using Beacon.TestSupport;

namespace Beacon.Integration.Tests.Kernels;

/// <summary>
/// Every layer as a Jupyter kernel, with real parts: a layer built (oci builder) on a Debian base image that has
/// python3-ipykernel (scripts/services.sh makes it with mmdebstrap), Beacon's kernelspec installed where Jupyter looks,
/// Debian's `jupyter kernelspec list` seeing it, and Debian's jupyter_client starting the kernel through that
/// kernelspec (`beacon kernel launch` → the layer's image on the engine) and executing code in it.
/// </summary>
[Collection("docker")]
public sealed class KernelTests(DockerFixture docker) : IClassFixture<DockerFixture>, IDisposable
{
    private readonly TempRepo _repo = new("beacon-kernels-");

    private Dictionary<string, string?> Env => new()
    {
        ["BEACON_CACHE_DIR"] = _repo.Path_(".cache"),
        ["JUPYTER_DATA_DIR"] = _repo.Path_("jupyter-data"),
        ["JUPYTER_RUNTIME_DIR"] = _repo.Path_("jupyter-runtime"),
        ["JUPYTER_CONFIG_DIR"] = _repo.Path_("jupyter-config"),
        ["NO_COLOR"] = "1",
    };

    private ProcessResult Beacon(params string[] args) =>
        ProcessRunner.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "beacon.dll"), .. args], _repo.Root, Env);

    /// <summary>One layer (core: beacon-greeting) on the Debian Jupyter base, a local oci stack, a developer; built.</summary>
    private async Task Organisation()
    {
        var client = docker.Require();
        var baseImage = TestServices.KernelBaseImage;
        TestServices.Need(await client.InspectImageAsync(baseImage) is null ? $"{baseImage} is missing: scripts/services.sh up makes it" : null);
        var ns = "beacon-kernel-" + Guid.NewGuid().ToString("N")[..8];
        await client.TagAsync(baseImage, $"{docker.Registry}/localbase/debian-jupyter", "1");
        await client.PushAsync($"{docker.Registry}/localbase/debian-jupyter", "1", null, null);

        _repo.Write("beacon.yaml", $"organisation: acme\nchannels:\n  beacon-test: {Fixtures.Path("conda", "beacon-test-channel")}\ndevelopers: {{cpus: 2, memory: 2Gi}}\n");
        _repo.Write("layers/core.yaml", $"name: core\nplatform: linux-64\nbase-image: {docker.Registry}/localbase/debian-jupyter:1\nchannels: [beacon-test]\nstage: production\ndependencies:\n  - beacon-greeting\n  - ipykernel\n  - jupyter_server\n");
        _repo.Write("stacks/Pulumi.laptop.yaml", $"config:\n  beacon:cloud: local\n  beacon:registry: {docker.Registry}/{ns}\n  beacon:builder: oci\n");
        _repo.Write("developers/dana.yaml", $"name: dana\nlayer: core\nresources: {{cpus: 1, memory: 1Gi}}\nport: {_port}\n");
        using var locker = DockerFixture.Locker(WorkspaceLoader.Load(_repo.Root).Workspace!);
        locker.Write(await locker.RunAsync(new LockOptions()));
        var build = Beacon("build", "--stack", "laptop");
        Assert.True(build.ExitCode == 0, build.Stderr);
    }

    private readonly int _port = 18890 + Random.Shared.Next(0, 1000);

    [SkippableFact]
    public async Task A_layer_is_a_kernel_jupyter_lists_and_runs_code_in()
    {
        await Organisation();
        var client = docker.Require();
        var install = Beacon("kernels", "install", "--stack", "laptop");
        Assert.True(install.ExitCode == 0, install.Stderr);
        Assert.StartsWith($"installed beacon-acme-core  \"Beacon · acme/core\"  {_repo.Path_("jupyter-data/kernels/beacon-acme-core/kernel.json")}\n", install.Stdout, StringComparison.Ordinal);

        // Jupyter's own listing sees it.
        var listed = ProcessRunner.Run("jupyter", ["kernelspec", "list", "--json"], _repo.Root, Env);
        Assert.True(listed.ExitCode == 0, listed.Stderr);
        using (var doc = JsonDocument.Parse(listed.Stdout))
        {
            var spec = doc.RootElement.GetProperty("kernelspecs").GetProperty("beacon-acme-core");
            Assert.Equal(_repo.Path_("jupyter-data/kernels/beacon-acme-core"), spec.GetProperty("resource_dir").GetString());
            Assert.Equal("Beacon · acme/core", spec.GetProperty("spec").GetProperty("display_name").GetString());
        }

        // A container a killed launcher left behind: its Jupyter deleted the connection file. The next launch removes it.
        var orphan = await client.CreateContainerAsync(new Beacon.Docker.Engine.ContainerCreate(TestServices.BaseImage,
            ["sleep", "300"], Labels: new Dictionary<string, string> { ["io.beacon.kernel"] = "orphan", ["io.beacon.kernel-connection"] = _repo.Path_("jupyter-runtime/kernel-gone.json") }));
        await client.StartContainerAsync(orphan);

        // A real client: the kernelspec's argv (beacon kernel launch) starts the layer's image; code runs in it.
        var script = """
            import json
            from jupyter_client.manager import start_new_kernel
            km, kc = start_new_kernel(kernel_name="beacon-acme-core", startup_timeout=90)
            results = []
            def hook(msg):
                if msg["msg_type"] == "execute_result":
                    results.append(msg["content"]["data"]["text/plain"])
            try:
                for code in ["1+1", "import os; os.environ['CONDA_PREFIX']", "open('/opt/conda/conda-meta/history').read().count('beacon-greeting-1.0-0')", "os.getuid()"]:
                    reply = kc.execute_interactive(code, timeout=60, output_hook=hook)
                    assert reply["content"]["status"] == "ok", reply["content"]
            finally:
                kc.stop_channels()
                km.shutdown_kernel(now=False)
            print(json.dumps(results))
            """;
        // Debian's python, which has Debian's jupyter_client (services.sh installs it), whatever python3 is first on PATH.
        var run = ProcessRunner.Run("/usr/bin/python3", ["-c", script], _repo.Root, Env);
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.Equal("[\"2\", \"'/opt/conda'\", \"1\", \"10001\"]", run.Stdout.Trim());
        // The kernel shut down: its container ended and was removed.
        for (var i = 0; i < 50 && (await client.ListContainersAsync(new Dictionary<string, string> { ["io.beacon.kernel"] = "core" })).Count > 0; i++)
        {
            await Task.Delay(100);
        }
        Assert.Empty(await client.ListContainersAsync(new Dictionary<string, string> { ["io.beacon.kernel"] = "core" }));
        Assert.Empty(await client.ListContainersAsync(new Dictionary<string, string> { ["io.beacon.kernel"] = "orphan" }));

        Assert.Equal($"beacon-acme-core  layer core                 stack laptop           {_repo.Root}\n", Beacon("kernels", "list").Stdout);
        Assert.Equal("removed beacon-acme-core\n", Beacon("kernels", "remove").Stdout);
        var after = ProcessRunner.Run("jupyter", ["kernelspec", "list", "--json"], _repo.Root, Env);
        Assert.DoesNotContain("beacon-acme-core", after.Stdout, StringComparison.Ordinal);
    }

    /// <summary>
    /// A developer's workspace on the local engine: Jupyter Server in their layer on their port, the token from the
    /// environment enforced, their home on a volume that outlives `workspace down` until --remove-home.
    /// </summary>
    [SkippableFact]
    public async Task A_developer_workspace_serves_jupyter_with_a_token_and_keeps_their_home()
    {
        docker.Require();
        TestServices.NeedCompose();
        await Organisation();
        var token = Guid.NewGuid().ToString("N");
        var env = Env;
        env["JUPYTER_TOKEN"] = token;
        ProcessResult Workspace(params string[] args) =>
            ProcessRunner.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "beacon.dll"), "workspace", .. args, "--stack", "laptop"], _repo.Root, env);
        // No cookies: Jupyter logs a client in with a cookie after one request with the token.
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { Timeout = TimeSpan.FromSeconds(5) };
        var api = $"http://127.0.0.1:{_port}/api";
        async Task<HttpResponseMessage> Ready()
        {
            for (var i = 0; ; i++)
            {
                try
                {
                    var r = await http.GetAsync($"{api}/status?token={token}");
                    if (r.IsSuccessStatusCode || i >= 120)
                    {
                        return r;
                    }
                }
                catch (HttpRequestException) when (i < 120)
                {
                }
                await Task.Delay(500);
            }
        }
        try
        {
            var up = Workspace("up", "dana");
            Assert.True(up.ExitCode == 0, up.Stdout + up.Stderr);
            Assert.Equal($"workspace dana: layer core, dana; http://127.0.0.1:{_port}/?token=$JUPYTER_TOKEN\n", up.Stdout);
            Assert.True((await Ready()).IsSuccessStatusCode);
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await http.GetAsync($"{api}/contents")).StatusCode);
            var put = await http.PutAsync($"{api}/contents/notes.txt?token={token}",
                new StringContent("{\"type\": \"file\", \"format\": \"text\", \"content\": \"kept\"}", System.Text.Encoding.UTF8, "application/json"));
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());

            Assert.Equal(0, Workspace("down", "dana").ExitCode);
            Assert.Equal(0, Workspace("up", "dana").ExitCode);
            Assert.True((await Ready()).IsSuccessStatusCode);
            var notes = await http.GetStringAsync($"{api}/contents/notes.txt?token={token}");
            Assert.Contains("\"content\": \"kept\"", notes.Replace("\":\"", "\": \""), StringComparison.Ordinal);
        }
        finally
        {
            var down = Workspace("down", "dana", "--remove-home");
            Assert.True(down.ExitCode == 0, down.Stderr);
        }
        Assert.Empty(await docker.Require().ListContainersAsync(new Dictionary<string, string> { ["com.docker.compose.project"] = "workspace-dana" }));
    }

    /// <summary>
    /// A kernel workload on the local oci stack: `beacon up` runs its Jupyter Server from the pushed digest, and the URL
    /// `beacon kernels url` prints reaches it with the token (VS Code's "Existing Jupyter Server" takes that URL).
    /// </summary>
    [SkippableFact]
    public async Task The_url_kernels_url_prints_reaches_the_kernel_workload_beacon_up_started()
    {
        docker.Require();
        TestServices.NeedCompose();
        await Organisation();
        var group = "lab" + Guid.NewGuid().ToString("N")[..6];
        _repo.Write($"workloads/{group}.yaml", $"name: {group}\nkind: kernel\nrequires: [beacon-greeting]\nports: [{_port + 1}]\nhardware: small\n");
        _repo.Write("beacon.yaml", File.ReadAllText(_repo.Path_("beacon.yaml")) + "hardware:\n  small: {cpus: 1, memory: 1Gi}\n");
        var token = Guid.NewGuid().ToString("N");
        var env = Env;
        env["JUPYTER_TOKEN"] = token;
        ProcessResult WithToken(params string[] args) =>
            ProcessRunner.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "beacon.dll"), .. args, "--stack", "laptop"], _repo.Root, env);
        try
        {
            var up = WithToken("up");
            Assert.True(up.ExitCode == 0, up.Stdout + up.Stderr);
            var url = WithToken("kernels", "url", group);
            Assert.True(url.ExitCode == 0, url.Stderr);
            var line = url.Stdout.Split('\n').Single(l => l.StartsWith("http://", StringComparison.Ordinal));
            Assert.Equal($"http://127.0.0.1:{_port + 1}/?token={token}", line);

            // The server behind the URL, as a client uses it: its API with the URL's token, and not without it.
            var server = new Uri(line);
            using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { Timeout = TimeSpan.FromSeconds(5) };
            var status = new Uri(server, $"api/status{server.Query}");
            HttpResponseMessage? answer = null;
            for (var i = 0; i < 120 && answer?.IsSuccessStatusCode != true; i++)
            {
                try
                {
                    answer = await http.GetAsync(status);
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(500);
                }
            }
            Assert.True(answer?.IsSuccessStatusCode, $"{status}: {answer?.StatusCode}");
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await http.GetAsync(new Uri(server, "api/contents"))).StatusCode);
        }
        finally
        {
            WithToken("down");
        }
    }

    public void Dispose() => _repo.Dispose();
}
