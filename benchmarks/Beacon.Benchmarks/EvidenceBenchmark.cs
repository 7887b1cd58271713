using System.Globalization;
using System.Security.Cryptography;
using Beacon.Docker.Engine;
using Beacon.TestSupport.Conda;

namespace Beacon.Benchmarks;

/// <summary>
/// `evidence [GiB]`: what proving, describing and signing an image costs, whole `beacon` processes with peak RSS:
/// `verify`, `sbom` (CycloneDX and SPDX), `attest` and `sbom --attach` on (1) the test channel's three-layer tree
/// (core → tools → app, median of 5) and (2) one layer of two synthetic packages holding GiB of files in total
/// (default 1; median of 3), both built by the oci builder and pushed to the test registry first. The package cache
/// is warm (the build filled it); each verify downloads the image's layers from the registry and re-installs the
/// chain's packages into scratch space. Needs scripts/services.sh up and its env sourced.
/// </summary>
public static class EvidenceBenchmark
{
    public static async Task<int> RunAsync(double gib)
    {
        if (TestRegistry.Address() is not { } registry)
        {
            return 1;
        }
        using (var docker = DockerClient.Connect())
        {
            await TestRegistry.PushBaseAsync(docker, registry);
        }
        var repo = FixtureChannels.FindRepositoryRoot();
        var small = Organisation("beacon-bench-evidence", registry, Path.Combine(repo, "tests", "fixtures", "conda", "beacon-test-channel"),
            "name: core\nplatform: linux-64\nbase-image: {base}\nchannels: [c]\nstage: production\ndependencies:\n  - python 3.11.*\n  - beacon-greeting\n",
            ("tools", "name: tools\nparent: core\nstage: production\ndependencies:\n  - beacon-py\n"),
            ("app", "name: app\nparent: tools\nstage: production\ndependencies:\n  - beacon-app\n"));
        if (Measure("test channel, 3 layers (core → tools → app)", small, "app", 5) != 0)
        {
            return 1;
        }

        var size = (long)(gib * (1L << 30));
        var bigRoot = Path.Combine(Path.GetTempPath(), "beacon-bench-evidence-large");
        Reset(bigRoot);
        CondaPackageBuilder.Channel(Path.Combine(bigRoot, "channel"),
            new CondaPackageBuilder("big-one").Patterned("lib/big-one.bin", size / 2, seed: 1),
            new CondaPackageBuilder("big-two").Patterned("lib/big-two/a.bin", size / 4, seed: 2).Patterned("lib/big-two/b.bin", size - size / 2 - size / 4, seed: 3));
        var big = Organisation("beacon-bench-evidence-large", registry, Path.Combine(bigRoot, "channel"),
            "name: core\nplatform: linux-64\nbase-image: {base}\nchannels: [c]\nstage: production\ndependencies:\n  - big-one\n  - big-two\n");
        var result = Measure(string.Create(CultureInfo.InvariantCulture, $"one layer of {gib:0.##} GiB (two synthetic packages, three files)"), big, "core", 3);
        Directory.Delete(bigRoot, true);
        Directory.Delete(small, true);
        return result;
    }

    private static void Reset(string root)
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, true);
        }
        Directory.CreateDirectory(root);
    }

    /// <summary>A repository with the given layers over one channel, locked and built by the oci builder; returns its root.</summary>
    private static string Organisation(string name, string registry, string channel, string core, params (string Name, string Text)[] children)
    {
        var root = Path.Combine(Path.GetTempPath(), name, "repo");
        Reset(root);
        Write(root, "beacon.yaml", $"channels:\n  c: {channel}\n");
        Write(root, "layers/core.yaml", core.Replace("{base}", $"{registry}/localbase/busybox:1", StringComparison.Ordinal));
        foreach (var (layer, text) in children)
        {
            Write(root, $"layers/{layer}.yaml", text);
        }
        Write(root, "stacks/Pulumi.bench.yaml", $"config:\n  beacon:cloud: local\n  beacon:registry: {registry}/evidence-{Guid.NewGuid().ToString("N")[..6]}\n  beacon:builder: oci\n");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        File.WriteAllText(Path.Combine(root, "signing.pem"), key.ExportPkcs8PrivateKeyPem());
        return root;
    }

    private static int Measure(string title, string root, string layer, int runs)
    {
        var beacon = Path.Combine(AppContext.BaseDirectory, "beacon.dll");
        var environment = new Dictionary<string, string> { ["BEACON_CACHE_DIR"] = Path.Combine(root, ".cache"), ["NO_COLOR"] = "1" };
        RunForOutput(beacon, root, environment, ["lock", "--quiet"]);
        // One cold build (empty package cache, nothing in the registry), timed once: a second run would only reuse.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var image = RunForOutput(beacon, root, environment, ["build", "--stack", "bench"]);
        var built = watch.Elapsed.TotalSeconds;
        var pinned = image.Split('\n').Single(l => l.Contains($" {layer}  ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[2];
        Console.WriteLine($"{title}: {pinned}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  build (cold: package fetch, install, layer, push) {built:F1} s"));
        foreach (var (what, args) in new (string, string[])[]
        {
            ("verify", ["verify", pinned, "--layer", layer]),
            ("sbom cyclonedx", ["sbom", pinned, "--layer", layer, "--output", "bom.json"]),
            ("sbom spdx", ["sbom", pinned, "--layer", layer, "--format", "spdx", "--output", "spdx.json"]),
            ("attest", ["attest", pinned, "--layer", layer, "--key", "signing.pem"]),
            ("sbom --attach (both, signed)", ["sbom", pinned, "--layer", layer, "--attach", "--key", "signing.pem", "--output", "bom.json"]),
        })
        {
            var f = WholeProcess.Measure("dotnet", [beacon, .. args], root, runs, environment);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {what,-30} median {f.MedianMs,8:F0} ms (min {f.MinMs:F0}, max {f.MaxMs:F0}), peak RSS {f.PeakRssKiB / 1024} MiB"));
        }
        return 0;
    }

    private static string RunForOutput(string beacon, string root, IReadOnlyDictionary<string, string> environment, string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(beacon);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        foreach (var (k, v) in environment)
        {
            psi.Environment[k] = v;
        }
        using var p = System.Diagnostics.Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return output;
    }

    private static void Write(string root, string relative, string text)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
