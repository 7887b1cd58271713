using Beacon.TestSupport;

namespace Beacon.Cli.Tests.Commands;

/// <summary>
/// <c>beacon kernels</c> across two repositories with the same layer names (no engine needed: kernelspecs are files).
/// A layer without ipykernel is refused with the command that adds it, and that command is run here and works.
/// </summary>
public sealed class KernelsCommandTests : IDisposable
{
    private readonly TempRepo _first = new("beacon-kernels-a-");
    private readonly TempRepo _second = new("beacon-kernels-b-");
    private readonly TempRepo _jupyter = new("beacon-kernels-data-");

    /// <summary>The base is never pulled here (kernelspecs are files): a digest-shaped stand-in, so locking asks no registry.</summary>
    private static readonly string NeverPulled = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("kernelspec tests: never pulled"u8));

    private Dictionary<string, string?> Env => new() { ["JUPYTER_DATA_DIR"] = _jupyter.Root, ["BEACON_CACHE_DIR"] = _jupyter.Path_(".cache") };

    private ProcessResult Beacon(TempRepo repo, params string[] args) => InProcess.Beacon(repo.Root, Env, args);

    private void Organisation(TempRepo repo, string organisation, string dependencies)
    {
        repo.Write("beacon.yaml", $"organisation: {organisation}\nchannels:\n  beacon-test: {Fixtures.Path("conda", "beacon-test-channel")}\n");
        repo.Write("layers/core.yaml", $"name: core\nplatform: linux-64\nbase-image: 127.0.0.1:5000/base/debian:1@sha256:{NeverPulled}\nchannels: [beacon-test]\nstage: production\ndependencies:\n{dependencies}");
        repo.Write("stacks/Pulumi.laptop.yaml", "config:\n  beacon:cloud: local\n  beacon:registry: 127.0.0.1:5000/kernels\n  beacon:builder: oci\n");
        var locked = Beacon(repo, "lock");
        Assert.True(locked.ExitCode == 0, locked.Stderr);
    }

    [Fact]
    public void A_layer_without_ipykernel_is_refused_with_a_fix_that_works()
    {
        Organisation(_first, "acme", "  - beacon-greeting\n");
        var refused = Beacon(_first, "kernels", "install", "--stack", "laptop", "--layer", "core");
        Assert.Equal(2, refused.ExitCode);
        Assert.Equal("layers/core.yaml(1,1): error BEA0625: layer 'core' cannot run a kernel: its lock has no ipykernel " +
            "(the kernel runs python3 -m ipykernel_launcher); add it: beacon add core ipykernel\n", refused.Stderr);
        Assert.False(Directory.Exists(_jupyter.Path_("kernels")));

        // The advice, as printed.
        var advice = refused.Stderr[(refused.Stderr.IndexOf("add it: beacon ", StringComparison.Ordinal) + "add it: beacon ".Length)..].Trim();
        var fixedIt = Beacon(_first, advice.Split(' '));
        Assert.True(fixedIt.ExitCode == 0, fixedIt.Stderr);
        Assert.Contains("  + ipykernel 6.29.5 0_standin\n", fixedIt.Stdout, StringComparison.Ordinal);

        var installed = Beacon(_first, "kernels", "install", "--stack", "laptop");
        Assert.True(installed.ExitCode == 0, installed.Stderr);
        Assert.Equal($"installed beacon-acme-core  \"Beacon · acme/core\"  {_jupyter.Path_("kernels/beacon-acme-core/kernel.json")}\n", installed.Stdout);
        Assert.Equal("1 kernel for stack 'laptop'; 'jupyter kernelspec list' shows them, JupyterLab and VS Code offer them\n", installed.Stderr);
    }

    [Fact]
    public void Two_repositories_kernels_coexist_and_are_removed_apart()
    {
        Organisation(_first, "acme", "  - beacon-greeting\n  - ipykernel\n");
        Organisation(_second, "acme", "  - ipykernel\n");
        Assert.Equal(0, Beacon(_first, "kernels", "install", "--stack", "laptop").ExitCode);

        // Same organisation name in another repository: refused, the first repository's kernel untouched.
        var clash = Beacon(_second, "kernels", "install", "--stack", "laptop");
        Assert.Equal(2, clash.ExitCode);
        Assert.Contains($"error BEA0626: kernel 'beacon-acme-core' in {_jupyter.Path_("kernels")} belongs to the repository {_first.Root}: " +
            "set a different 'organisation:' in beacon.yaml", clash.Stderr, StringComparison.Ordinal);

        _second.Write("beacon.yaml", File.ReadAllText(_second.Path_("beacon.yaml")).Replace("organisation: acme", "organisation: globex", StringComparison.Ordinal));
        Assert.Equal(0, Beacon(_second, "kernels", "install", "--stack", "laptop").ExitCode);
        var list = Beacon(_first, "kernels", "list");
        Assert.Equal($"beacon-acme-core    layer core                 stack laptop           {_first.Root}\n" +
                     $"beacon-globex-core  layer core                 stack laptop           {_second.Root}\n", list.Stdout);

        var removed = Beacon(_first, "kernels", "remove");
        Assert.Equal("removed beacon-acme-core\n", removed.Stdout);
        Assert.Equal("left 1 kernel of other repositories ('beacon kernels list' names them)\n", removed.Stderr);
        Assert.True(File.Exists(_jupyter.Path_("kernels/beacon-globex-core/kernel.json")));
        Assert.Equal("removed beacon-globex-core\n", Beacon(_second, "kernels", "remove").Stdout);
    }

    public void Dispose()
    {
        _first.Dispose();
        _second.Dispose();
        _jupyter.Dispose();
    }
}
