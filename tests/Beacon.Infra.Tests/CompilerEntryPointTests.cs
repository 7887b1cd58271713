using Beacon.TestSupport;
using YamlDotNet.RepresentationModel;

namespace Beacon.Infra.Tests;

/// <summary>The compiler command as Pulumi runs it: a real process, environment variables in, YAML out.</summary>
public class CompilerEntryPointTests
{
    private static ProcessResult Compile(string cwd, string? stack) =>
        ProcessRunner.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "beacon-infra.dll")], cwd,
            new Dictionary<string, string?> { ["PULUMI_STACK"] = stack, ["PULUMI_PROJECT"] = "beacon", ["PULUMI_CONFIG"] = "{}" });

    [Fact]
    public void Without_a_stack_prints_a_valid_empty_program()
    {
        var r = Compile(RepoPaths.Root, null);
        Assert.Equal(0, r.ExitCode);
        var yaml = new YamlStream();
        yaml.Load(new StringReader(r.Stdout));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        Assert.Equal("yaml", root["runtime"].ToString());
        Assert.Equal(["name", "runtime", "resources", "outputs"], root.Children.Keys.Select(k => k.ToString()));
    }

    [Fact]
    public void Invalid_layers_fail_the_preview_with_diagnostics_on_stderr_only()
    {
        using var repo = new TempRepo();
        repo.Write("layers/core.yaml", "name: core\nparent: nowhere\n");
        repo.Write("stacks/Pulumi.dev.yaml", "config:\n  beacon:cloud: local\n");
        var r = Compile(repo.Root, "dev");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Contains("error BEA0103", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_stack_is_an_error()
    {
        var r = Compile(RepoPaths.Root, "no-such-stack");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Contains("stack 'no-such-stack' has no settings file", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_valid_stack_is_refused_rather_than_given_an_empty_program()
    {
        var r = Compile(RepoPaths.Root, "acme-local");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Contains("refusing to print an empty program", r.Stderr, StringComparison.Ordinal);
    }
}
