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

    [SkippableFact]
    public async Task A_layer_is_a_kernel_jupyter_lists_and_runs_code_in()
    {
        var client = docker.Require();
        var baseImage = Environment.GetEnvironmentVariable("BEACON_TEST_KERNEL_BASE_IMAGE") ?? "localbase/debian-ipykernel:1";
        Skip.If(await client.InspectImageAsync(baseImage) is null && !DockerFixture.Required, $"{baseImage} is missing: scripts/services.sh up makes it");
        var ns = "beacon-kernel-" + Guid.NewGuid().ToString("N")[..8];
        await client.TagAsync(baseImage, $"{docker.Registry}/localbase/debian-ipykernel", "1");
        await client.PushAsync($"{docker.Registry}/localbase/debian-ipykernel", "1", null, null);

        _repo.Write("beacon.yaml", $"channels:\n  beacon-test: {Fixtures.Path("conda", "beacon-test-channel")}\n");
        _repo.Write("layers/core.yaml", $"name: core\nplatform: linux-64\nbase-image: {docker.Registry}/localbase/debian-ipykernel:1\nchannels: [beacon-test]\nstage: production\ndependencies:\n  - beacon-greeting\n");
        _repo.Write("stacks/Pulumi.laptop.yaml", $"config:\n  beacon:cloud: local\n  beacon:registry: {docker.Registry}/{ns}\n  beacon:builder: oci\n");
        var locker = new Locker(WorkspaceLoader.Load(_repo.Root).Workspace!, new ChannelLoader(null));
        locker.Write(await locker.RunAsync(new LockOptions()));
        var build = Beacon("build", "--stack", "laptop");
        Assert.True(build.ExitCode == 0, build.Stderr);

        var install = Beacon("kernels", "install", "--stack", "laptop");
        Assert.True(install.ExitCode == 0, install.Stderr);
        Assert.StartsWith($"installed beacon-core  \"Beacon · core\"  {_repo.Path_("jupyter-data/kernels/beacon-core/kernel.json")}\n", install.Stdout, StringComparison.Ordinal);

        // Jupyter's own listing sees it.
        var listed = ProcessRunner.Run("jupyter", ["kernelspec", "list", "--json"], _repo.Root, Env);
        Assert.True(listed.ExitCode == 0, listed.Stderr);
        using (var doc = JsonDocument.Parse(listed.Stdout))
        {
            var spec = doc.RootElement.GetProperty("kernelspecs").GetProperty("beacon-core");
            Assert.Equal(_repo.Path_("jupyter-data/kernels/beacon-core"), spec.GetProperty("resource_dir").GetString());
            Assert.Equal("Beacon · core", spec.GetProperty("spec").GetProperty("display_name").GetString());
        }

        // A real client: the kernelspec's argv (beacon kernel launch) starts the layer's image; code runs in it.
        var script = """
            import json
            from jupyter_client.manager import start_new_kernel
            km, kc = start_new_kernel(kernel_name="beacon-core", startup_timeout=90)
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

        Assert.Equal("beacon-core                  layer core                 stack laptop\n", Beacon("kernels", "list").Stdout);
        Assert.Equal("removed beacon-core\n", Beacon("kernels", "remove").Stdout);
        var after = ProcessRunner.Run("jupyter", ["kernelspec", "list", "--json"], _repo.Root, Env);
        Assert.DoesNotContain("beacon-core", after.Stdout, StringComparison.Ordinal);
    }

    public void Dispose() => _repo.Dispose();
}
