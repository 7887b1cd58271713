using Beacon.TestSupport;

namespace Beacon.Cli.Tests.Commands;

/// <summary>
/// The command lines of verify and sbom, without a registry: what they refuse before any work, and an unreachable
/// registry as a registry failure. Their work on real images is proven in the integration tests (ImageVerifyTests).
/// </summary>
public sealed class EvidenceCommandTests : IDisposable
{
    private readonly TempRepo _repo = new("beacon-evidence-cli-");

    public EvidenceCommandTests() => _repo.CopyExample();

    private ProcessResult Beacon(params string[] args) =>
        ProcessRunner.Beacon(_repo.Root, _repo.Path_(".cache"), TimeSpan.FromMinutes(1), args);

    [Fact]
    public void An_unreachable_registry_is_a_registry_failure_with_nothing_written()
    {
        var verify = Beacon("verify", "127.0.0.1:1/nobody/core:1", "--layer", "core");
        Assert.Equal(1, verify.ExitCode);
        Assert.StartsWith("beacon verify: error BEA0609: ", verify.Stderr, StringComparison.Ordinal);
        var sbom = Beacon("sbom", "127.0.0.1:1/nobody/core:1", "--layer", "core", "--output", "bom.json");
        Assert.Equal(1, sbom.ExitCode);
        Assert.StartsWith("beacon sbom: error BEA0609: ", sbom.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_repo.Path_("bom.json")));
    }

    [Theory]
    [InlineData("verify|127.0.0.1:1/x/core:1|--layer|nope", "beacon verify: error BEA0601: --layer: no layer 'nope' in this repository\n")]
    [InlineData("verify|not a reference|--layer|core", "beacon verify: error BEA0")]
    [InlineData("verify|core:1|--layer|core|--engine|--key|k.pub", "beacon verify: error BEA0600: --key checks the attestation in the image's registry; it cannot be used with --engine\n")]
    [InlineData("sbom|127.0.0.1:1/x/core:1|--layer|core|--key|k.pem", "beacon sbom: error BEA0600: --key and --key-env sign what --attach pushes; add --attach\n")]
    [InlineData("sbom|127.0.0.1:1/x/core:1|--layer|core|--attach", "beacon sbom: error BEA0600: --attach signs the SBOMs: give the key by --key <file> or by --key-env <variable>, one of them\n")]
    [InlineData("sbom|127.0.0.1:1/x/core:1|--layer|core|--attach|--key-env|BEACON_NO_SUCH_KEY", "beacon sbom: error BEA0600: ")]
    public void Bad_command_lines_are_refused_before_any_work(string args, string stderr)
    {
        var r = Beacon(args.Split('|'));
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith(stderr, r.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _repo.Dispose();
}
