using Beacon.TestSupport;
using YamlDotNet.RepresentationModel;

namespace Beacon.Infra.Tests;

/// <summary>The compiler command as Pulumi runs it: a real process, environment variables in, YAML out.</summary>
public class CompilerEntryPointTests
{
    private static ProcessResult Compile(string cwd, string? stack, string config = "{}") =>
        ProcessRunner.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "beacon-infra.dll")], cwd,
            new Dictionary<string, string?> { ["PULUMI_STACK"] = stack, ["PULUMI_PROJECT"] = "beacon", ["PULUMI_CONFIG"] = config });

    [Fact]
    public void Pulumi_config_must_agree_with_the_stack_file()
    {
        Assert.Equal(0, Compile(RepoPaths.Root, "acme-local", "{\"beacon:cloud\": \"local\", \"beacon:registry\": \"127.0.0.1:5000\"}").ExitCode);
        var r = Compile(RepoPaths.Root, "acme-local", "{\"beacon:cloud\": \"aws\"}");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("Pulumi's config says beacon:cloud 'aws'", r.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, Compile(RepoPaths.Root, "acme-local", "{not json").ExitCode);
    }

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
        Assert.Equal("stacks/Pulumi.no-such-stack.yaml(1,1): error BEA0602: no stack 'no-such-stack': there is no stacks/Pulumi.no-such-stack.yaml\n", r.Stderr);
    }

    [Fact]
    public void A_valid_stack_gets_its_program_on_stdout_and_nothing_else()
    {
        var r = Compile(RepoPaths.Root, "acme-local");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.StartsWith("name: beacon\nruntime: yaml\n", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("type: docker-build:index:Image", r.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(RepoPaths.RepoFile(".beacon", "build", "acme-local", "core", "Dockerfile")));
        Assert.Equal(r.Stdout, Compile(RepoPaths.Root, "acme-local").Stdout);
    }

    [Fact]
    public void A_stale_lock_fails_the_preview_with_the_gate_diagnostics()
    {
        using var repo = new TempRepo();
        repo.CopyExample();
        var layer = Path.Combine(repo.Root, "layers", "snowflake.yaml");
        File.WriteAllText(layer, File.ReadAllText(layer).Replace("  - snowflake-connector-python >=3.10\n", "  - snowflake-connector-python >=3.10\n  - pyarrow\n", StringComparison.Ordinal));
        var r = Compile(repo.Root, "acme-local");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Contains("layers/snowflake.yaml(1,1): error BEA0403", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("the deployment gate failed", r.Stderr, StringComparison.Ordinal);
    }
}
