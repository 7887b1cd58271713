using Beacon.GitOps.Tests.Workflows;
using Beacon.Integration.Tests.Docker;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;
using Beacon.TestSupport;
using k8s;
using k8s.Models;

namespace Beacon.Integration.Tests.Workflows;

/// <summary>
/// The closest thing to a cluster here: the Jobs <c>beacon build --emit kubernetes</c> prints, each pod's containers run
/// on the local engine as a kubelet would run them — init containers in order, then the build; the pod's user, read-only
/// root file system, its emptyDir volumes and the registry Secret's projected config.json as mounts; the command and
/// env exactly as the manifest says. The image is Debian with git and CA certificates (scripts/services.sh) plus the
/// native beacon (CI's pipeline step builds it). The repository is private: cloned over HTTP from the test's own server
/// (git's dumb protocol) behind Basic authentication, the token from the source Secret (<c>--source-secret</c>); without
/// it the clone is refused. The Jobs push the planned images, which the proof then checks; no Kubernetes API server
/// runs here.
/// </summary>
[Collection("docker")]
public sealed class BuildJobsOnEngineTests(DockerFixture docker) : IClassFixture<DockerFixture>, IDisposable
{
    private readonly TempRepo _repo = new("beacon-jobs-");
    private readonly TempRepo _pod = new("beacon-pod-");

    [SkippableFact]
    public async Task The_emitted_jobs_run_their_containers_in_order_and_push_the_planned_images()
    {
        var engine = docker.Require();
        var native = RepoPaths.RepoFile(".beacon", "cli", "beacon");
        TestServices.Need(File.Exists(native) ? null : "no native beacon at .beacon/cli/beacon: './beacon --version' builds it (CI's pipeline step does)");
        var gitBase = Environment.GetEnvironmentVariable("BEACON_TEST_GIT_BASE_IMAGE") ?? "localbase/debian-git:1";
        TestServices.Need(ProcessRunner.Run("docker", ["image", "inspect", gitBase]).ExitCode == 0 ? null : $"no {gitBase} image: {TestServices.SetUp}");

        // The organisation: core and its child tools over Beacon's test channel, committed.
        _repo.CopyFrom(Fixtures.Path("conda", "beacon-test-channel"), "channels/beacon-test");
        _repo.Write("beacon.yaml", "channels:\n  beacon-test: ./channels/beacon-test\n");
        _repo.Write("layers/core.yaml", $"name: core\nplatform: linux-64\nbase-image: {docker.BusyboxBase}\nchannels: [beacon-test]\nstage: production\ndependencies:\n  - python 3.11.*\n  - beacon-greeting\n");
        _repo.Write("layers/tools.yaml", "name: tools\nparent: core\nstage: production\ndependencies:\n  - beacon-py\n");
        var registry = $"{docker.Registry}/jobs{Guid.NewGuid().ToString("N")[..8]}";
        _repo.Write("stacks/Pulumi.cluster.yaml", $"config:\n  beacon:cloud: kubernetes\n  beacon:registry: {registry}\n  beacon:builder: oci\n  beacon:cluster: {{kubeconfig: ~/.kube/config, context: ci}}\n");
        using (var locker = DockerFixture.Locker(WorkspaceLoader.Load(_repo.Root).Workspace!))
        {
            var run = await locker.RunAsync(new LockOptions());
            Assert.True(run.Success);
            locker.Write(run);
        }
        _repo.Git("init", "-q", "-b", "main");
        _repo.Git("add", "-A");
        _repo.Git("commit", "-q", "-m", "the organisation");

        // Served over HTTP as git's dumb protocol reads a bare repository (info/refs, objects/…).
        var bare = _pod.Path_("served/layers.git");
        Assert.Equal(0, ProcessRunner.Run("git", ["clone", "-q", "--bare", _repo.Root, bare]).ExitCode);
        Assert.Equal(0, ProcessRunner.Run("git", ["-C", bare, "update-server-info"]).ExitCode);
        const string token = "Basic Y2k6czNjcmV0LXRva2Vu"; // ci:s3cret-token
        using var server = new LoopbackServer(async (_, context) =>
        {
            if (context.Request.Headers["Authorization"] != token)
            {
                context.Response.Headers["WWW-Authenticate"] = "Basic realm=\"layers\"";
                await LoopbackServer.Send(context, 401);
                return;
            }
            var relative = Uri.UnescapeDataString(context.Request.Url!.AbsolutePath).TrimStart('/');
            var file = Path.GetFullPath(Path.Combine(_pod.Path_("served"), relative));
            if (!file.StartsWith(_pod.Path_("served") + "/", StringComparison.Ordinal) || !File.Exists(file))
            {
                await LoopbackServer.Send(context, 404);
                return;
            }
            await LoopbackServer.Send(context, 200, File.ReadAllBytes(file));
        });

        // The Beacon image: git, CA certificates and the native beacon.
        var image = $"localbase/beacon-jobs:{Guid.NewGuid().ToString("N")[..8]}";
        _pod.Write("image/Dockerfile", $"FROM {gitBase}\nCOPY beacon /usr/local/bin/beacon\n");
        File.Copy(native, _pod.Path_("image/beacon"));
        Assert.Equal(0, ProcessRunner.Run("chmod", ["0755", _pod.Path_("image/beacon")]).ExitCode);
        var built = ProcessRunner.Run("docker", ["build", "-q", "-t", image, _pod.Path_("image")], timeout: TimeSpan.FromMinutes(3));
        Assert.True(built.ExitCode == 0, built.Stderr);

        List<V1Job> Emit(params string[] extra)
        {
            var emitted = ProcessRunner.Beacon(_repo.Root, _repo.Path_(".cache"), TimeSpan.FromMinutes(1),
                ["build", "--emit", "kubernetes", "--stack", "cluster", "--beacon-image", image, "--source", $"{server.Url}/layers.git", .. extra]);
            Assert.True(emitted.ExitCode == 0, emitted.Stderr);
            return KubernetesYaml.LoadAllFromString(emitted.Stdout, strict: true).OfType<V1Job>().ToList();
        }

        // The Secrets as a pod sees them: the registry's .dockerconfigjson projected as config.json (an open registry),
        // the source's credential lines as credentials.
        _pod.Write("secrets/beacon-registry/config.json", "{\"auths\": {}}\n");
        _pod.Write("secrets/git-token/credentials", "username=ci\npassword=s3cret-token\n");

        // Without the source Secret the private repository does not clone.
        var anonymous = Emit()[0];
        var refused = RunContainer(anonymous, anonymous.Spec.Template.Spec.InitContainers[0]);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.True(refused.Stderr.Contains("Authentication failed", StringComparison.Ordinal) || refused.Stderr.Contains("could not read Username", StringComparison.Ordinal), refused.Stderr);
        Directory.Delete(_pod.Path_(anonymous.Metadata.Name), recursive: true); // a fresh pod's emptyDirs for the real run

        var jobs = Emit("--source-secret", "git-token");
        Assert.Equal(["core", "tools"], jobs.Select(j => j.Metadata.Labels["beacon.io/layer"]));
        foreach (var job in jobs)
        {
            foreach (var container in job.Spec.Template.Spec.InitContainers.Concat(job.Spec.Template.Spec.Containers))
            {
                var ran = RunContainer(job, container);
                Assert.True(ran.ExitCode == 0, $"{job.Metadata.Name}/{container.Name}: exit {ran.ExitCode}\n{ran.Stdout}{ran.Stderr}");
            }
        }

        // The Jobs pushed exactly the planned images: a local build finds both and reuses them, and they prove to be their locks.
        var local = ProcessRunner.Beacon(_repo.Root, _repo.Path_(".cache"), TimeSpan.FromMinutes(3), "build", "--stack", "cluster");
        Assert.True(local.ExitCode == 0, local.Stderr);
        var lines = local.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.StartsWith("reused    ", l, StringComparison.Ordinal));
        var tools = lines.Single(l => l.Contains(" tools ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[2];
        var verified = ProcessRunner.Beacon(_repo.Root, _repo.Path_(".cache"), TimeSpan.FromMinutes(3), "verify", tools, "--layer", "tools");
        Assert.True(verified.ExitCode == 0, verified.Stdout + verified.Stderr);
        ProcessRunner.Run("docker", ["image", "rm", "-f", image]);
    }

    /// <summary>One container of a Job's pod as a kubelet runs it: the pod's user, its mounts, env and command.</summary>
    private ProcessResult RunContainer(V1Job job, V1Container container)
    {
        var pod = job.Spec.Template.Spec;
        var volumes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var volume in pod.Volumes)
        {
            var host = volume.Secret is { } secret ? _pod.Path_($"secrets/{secret.SecretName}") : _pod.Path_($"{job.Metadata.Name}/{volume.Name}");
            Directory.CreateDirectory(host);
            if (volume.EmptyDir is not null)
            {
                // An emptyDir is writable by the pod's fsGroup.
                Assert.Equal(0, ProcessRunner.Run("chmod", ["0777", host]).ExitCode);
            }
            volumes[volume.Name] = host;
        }
        var args = new List<string> { "run", "--rm", "--network", "host", "--user", $"{pod.SecurityContext.RunAsUser}:{pod.SecurityContext.FsGroup}" };
        if (container.SecurityContext.ReadOnlyRootFilesystem == true)
        {
            args.Add("--read-only");
        }
        foreach (var mount in container.VolumeMounts)
        {
            args.AddRange(["-v", $"{volumes[mount.Name]}:{mount.MountPath}{(mount.ReadOnlyProperty == true ? ":ro" : "")}"]);
        }
        foreach (var variable in container.Env)
        {
            args.AddRange(["-e", $"{variable.Name}={variable.Value}"]);
        }
        args.AddRange(["--entrypoint", container.Command[0], container.Image, .. container.Command.Skip(1)]);
        return ProcessRunner.Run("docker", args, timeout: TimeSpan.FromMinutes(4));
    }

    public void Dispose()
    {
        // The containers ran as uid 10001: their files are removed from inside a container of the same user's rights.
        ProcessRunner.Run("docker", ["run", "--rm", "-v", $"{_pod.Root}:/pod", TestServices.BaseImage, "sh", "-c", "rm -rf /pod/*"]);
        _pod.Dispose();
        _repo.Dispose();
    }
}
