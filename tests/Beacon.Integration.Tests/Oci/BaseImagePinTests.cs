using System.Net.Http.Headers;
using Beacon.Integration.Tests.Docker;
using Beacon.TestSupport;

namespace Beacon.Integration.Tests.Oci;

/// <summary>
/// Pins that cannot move (issue 20 item 4), on the real registry: `beacon lock` records the digest the root's
/// base-image tag names (the registry's own Docker-Content-Digest agrees); the tag is then moved to another image
/// (retagged and pushed); builds keep using the pinned image, `lock --check` fails naming the move, and its advice —
/// `beacon lock core --update-base`, run as printed — moves the pin, which `beacon diff` shows.
/// </summary>
[Collection("docker")]
public sealed class BaseImagePinTests(DockerFixture docker) : IClassFixture<DockerFixture>, IDisposable
{
    private readonly TempRepo _repo = new("beacon-base-pin-");
    private readonly string _namespace = "beacon-pin-" + Guid.NewGuid().ToString("N")[..8];

    private ProcessResult Beacon(params string[] args) => ProcessRunner.Beacon(_repo.Root, _repo.Path_(".cache"), TimeSpan.FromMinutes(5), args);

    private string Git(params string[] args)
    {
        var r = ProcessRunner.Run("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", .. args], _repo.Root);
        Assert.True(r.ExitCode == 0, r.Stderr);
        return r.Stdout;
    }

    /// <summary>What the registry itself says the tag names (its Docker-Content-Digest), asked with a plain HTTP client.</summary>
    private async Task<string> RegistryDigest(string repository, string tag)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Head, $"http://{docker.Registry}/v2/{repository}/manifests/{tag}");
        foreach (var accept in new[] { "application/vnd.oci.image.index.v1+json", "application/vnd.oci.image.manifest.v1+json",
                     "application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.docker.distribution.manifest.v2+json" })
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        }
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, response.StatusCode.ToString());
        return response.Headers.GetValues("Docker-Content-Digest").Single();
    }

    [SkippableFact]
    public async Task A_moved_base_tag_changes_nothing_until_lock_update_base_moves_the_pin()
    {
        var client = docker.Require();
        var baseRepository = $"{_namespace}/base";
        await client.TagAsync(TestServices.BaseImage, $"{docker.Registry}/{baseRepository}", "1");
        await client.PushAsync($"{docker.Registry}/{baseRepository}", "1", null, null);
        var first = await RegistryDigest(baseRepository, "1");

        _repo.Write("beacon.yaml", $"channels:\n  beacon-test: {Fixtures.Path("conda", "beacon-test-channel")}\n");
        _repo.Write("layers/core.yaml", $"name: core\nplatform: linux-64\nbase-image: {docker.Registry}/{baseRepository}:1\nchannels: [beacon-test]\nstage: production\ndependencies:\n  - beacon-greeting\n");
        _repo.Write("layers/app.yaml", "name: app\nparent: core\nstage: production\ndependencies:\n  - beacon-app\n");
        _repo.Write("stacks/Pulumi.laptop.yaml", $"config:\n  beacon:cloud: local\n  beacon:registry: {docker.Registry}/{_namespace}\n  beacon:builder: oci\n");
        _repo.Write(".gitignore", ".cache/\n.beacon/\n");
        var locked = Beacon("lock");
        Assert.True(locked.ExitCode == 0, locked.Stderr);
        Assert.Contains($"asking the registry for the digest of {docker.Registry}/{baseRepository}:1", locked.Stderr, StringComparison.Ordinal);
        Assert.Contains($"# base-image: {docker.Registry}/{baseRepository}:1@{first}\n", File.ReadAllText(_repo.Path_("layers/core.lock")), StringComparison.Ordinal);
        Assert.Equal(0, Beacon("check").ExitCode);
        Git("init", "-q", "-b", "main");
        Git("add", "-A");
        Git("commit", "-q", "-m", "locked");

        // Upstream moves the tag: another image under base:1.
        await client.TagAsync(DockerFixture.StandInBaseImage, $"{docker.Registry}/{baseRepository}", "1");
        await client.PushAsync($"{docker.Registry}/{baseRepository}", "1", null, null);
        var moved = await RegistryDigest(baseRepository, "1");
        Assert.NotEqual(first, moved);

        // Nothing changes by itself: a plain lock keeps the pin, check passes, and the build is FROM the pinned image.
        var relock = Beacon("lock");
        Assert.True(relock.ExitCode == 0, relock.Stderr);
        Assert.Equal("", Git("status", "--porcelain"));
        Assert.Equal(0, Beacon("check").ExitCode);
        var built = Beacon("build", "core", "--stack", "laptop");
        Assert.True(built.ExitCode == 0, built.Stdout + built.Stderr);
        var coreImage = built.Stdout.Split('\n').Single(l => l.Contains("  core  ", StringComparison.Ordinal)).Split("  ", StringSplitOptions.RemoveEmptyEntries)[2];
        var baseLayers = (await client.InspectImageAsync(TestServices.BaseImage))!.Layers;
        await client.PullAsync(coreImage, null, null);
        Assert.Equal(baseLayers, (await client.InspectImageAsync(coreImage))!.Layers.Take(baseLayers.Count));

        // The gate's second half, lock --check, asks the registry and fails naming the move and the deliberate fix.
        var check = Beacon("lock", "--check");
        Assert.Equal(1, check.ExitCode);
        Assert.Contains($"layers/core.lock(1,1): error BEA0418: the base image's tag names another image than this lock pins (base image {docker.Registry}/{baseRepository}:1 moved: " +
            $"{first[..19]} → {moved[..19]}); review it, then run 'beacon lock core --update-base' and commit the locks", check.Stderr, StringComparison.Ordinal);
        Assert.Contains("layers/app.lock(1,1): error BEA0418: this lock would change with its root's: the base image of 'core' moved; run 'beacon lock core --update-base'", check.Stderr, StringComparison.Ordinal);
        Assert.Equal("", Git("status", "--porcelain"));

        var advice = check.Stderr[(check.Stderr.IndexOf("then run 'beacon ", StringComparison.Ordinal) + "then run 'beacon ".Length)..];
        var update = Beacon(advice[..advice.IndexOf('\'')].Split(' '));
        Assert.True(update.ExitCode == 0, update.Stderr);
        Assert.Contains($"# base-image: {docker.Registry}/{baseRepository}:1@{moved}\n", File.ReadAllText(_repo.Path_("layers/core.lock")), StringComparison.Ordinal);
        Assert.Equal(0, Beacon("lock", "--check").ExitCode);
        Assert.Equal(0, Beacon("check").ExitCode);

        // The pull request's summary shows the new pin.
        var diff = Beacon("diff", "--base", "main");
        Assert.True(diff.ExitCode == 0, diff.Stderr);
        Assert.Contains("| `core` | changed | base image |", diff.Stdout, StringComparison.Ordinal);
        Assert.Contains($"- base image: `{docker.Registry}/{baseRepository}:1@{first}` → `{docker.Registry}/{baseRepository}:1@{moved}`", diff.Stdout, StringComparison.Ordinal);

        // A root lock without its pin: check refuses it (BEA0421); offline, lock cannot make one and says what to do;
        // check's advice, run as printed, pins what the tag names now.
        var lockFile = _repo.Path_("layers/core.lock");
        File.WriteAllLines(lockFile, File.ReadAllLines(lockFile).Where(l => !l.StartsWith("# base-image: ", StringComparison.Ordinal)));
        var unpinned = Beacon("check");
        Assert.Equal(1, unpinned.ExitCode);
        Assert.Contains("error BEA0421: the lock pins no digest for the base image", unpinned.Stderr, StringComparison.Ordinal);
        var offline = Beacon("lock", "--offline");
        Assert.Equal(1, offline.ExitCode);
        Assert.Contains($"its base image {docker.Registry}/{baseRepository}:1 is not pinned by digest yet, and this run cannot ask its registry (offline): " +
            "run 'beacon lock core' with network access", offline.Stderr, StringComparison.Ordinal);
        var advice2 = unpinned.Stderr[(unpinned.Stderr.IndexOf("run 'beacon ", StringComparison.Ordinal) + "run 'beacon ".Length)..];
        var repinned = Beacon(advice2[..advice2.IndexOf('\'')].Split(' '));
        Assert.True(repinned.ExitCode == 0, repinned.Stderr);
        Assert.Contains($"# base-image: {docker.Registry}/{baseRepository}:1@{moved}\n", File.ReadAllText(lockFile), StringComparison.Ordinal);
        Assert.Equal(0, Beacon("check").ExitCode);
    }

    public void Dispose() => _repo.Dispose();
}
