using System.Text.Json;
using Beacon.TestSupport;

namespace Beacon.Cli.Tests.Commands;

/// <summary>
/// Command-line mistakes and command errors: each has its own code, goes through one printer, and with --json still
/// gives a JSON document. Each case below failed silently or borrowed an unrelated code before.
/// </summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly TempRepo _repo = new("beacon-cli-args-");

    public CommandLineTests() => _repo.CopyExample();

    [Fact]
    public void An_option_without_its_value_is_refused_and_nothing_is_written()
    {
        var r = InProcess.Beacon(_repo.Root, "render", "--stack", "acme-local", "--out");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("beacon render: error BEA0600: Required argument missing for option: '--out' (see 'beacon render --help')\n", r.Stderr);
        var swallowed = InProcess.Beacon(_repo.Root, "render", "--stack", "acme-local", "--out", "--json");
        Assert.Equal(2, swallowed.ExitCode);
        Assert.Contains("option '--out' needs a value; '--json' looks like an option", swallowed.Stdout + swallowed.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Directory.GetDirectories(_repo.Root).Select(Path.GetFileName), d => d!.StartsWith('-') || d.StartsWith("__", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(new[] { "route", "--hardware", "nope", "--requires", "pandas" }, "BEA0612", "no hardware profile 'nope'")]
    [InlineData(new[] { "route", "no-such-workload" }, "BEA0603", "no workload 'no-such-workload'")]
    [InlineData(new[] { "route", "--requires", "pandas", "--stack", "acme-aws-prd" }, "BEA0602", "no stack 'acme-aws-prd' (stacks/Pulumi.acme-aws-prd.yaml); did you mean 'acme-aws-prod'?")]
    [InlineData(new[] { "lock", "no-such-layer" }, "BEA0601", "no such layer: no-such-layer")]
    [InlineData(new[] { "build", "gpu-ml-nightly", "--stack", "acme-aws-prod" }, "BEA0604", "stack 'acme-aws-prod' deploys no layer gpu-ml-nightly")]
    [InlineData(new[] { "test", "core", "--against", "nowhere" }, "BEA0602", "--against: no stack 'nowhere'")]
    [InlineData(new[] { "test", "core", "--against", "acme-local" }, "BEA0600", "'core' is the root and has no parent")]
    [InlineData(new[] { "diff", "--base", "no-such-ref" }, "BEA0605", "")]
    [InlineData(new[] { "fork", "core", "--as", "core2" }, "BEA0600", "is the root")]
    [InlineData(new[] { "fork", "snowflake", "--as", "gpu-ml" }, "BEA0614", "layer 'gpu-ml' already exists")]
    [InlineData(new[] { "explain", "BEA9999" }, "BEA0600", "not a Beacon diagnostic code")]
    [InlineData(new[] { "build", "--push", "not a registry" }, "BEA0600", "is not a registry address")]
    public void Command_errors_have_their_own_codes(string[] args, string code, string message)
    {
        var r = InProcess.Beacon(_repo.Root, args);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith($"beacon {args[0]}: error {code}: ", r.Stderr, StringComparison.Ordinal);
        Assert.Contains(message, r.Stderr, StringComparison.Ordinal);
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public void Stack_errors_are_diagnostics_at_the_stack_file()
    {
        var r = InProcess.Beacon(_repo.Root, "plan", "--stack", "nope");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("stacks/Pulumi.nope.yaml(1,1): error BEA0602: no stack 'nope': there is no stacks/Pulumi.nope.yaml\n", r.Stderr);
        var notLocal = InProcess.Beacon(_repo.Root, "status", "--stack", "acme-aws-prod");
        Assert.Equal(2, notLocal.ExitCode);
        Assert.Contains("error BEA0615: stack 'acme-aws-prod' runs on aws (beacon:cloud); this command runs local stacks only", notLocal.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Stacks_can_be_filtered_by_builder_and_the_plan_says_which_builder_tags_the_images()
    {
        var stackFile = _repo.Path_("stacks/Pulumi.globex-k8s.yaml");
        File.WriteAllText(stackFile, File.ReadAllText(stackFile).Replace("config:\n", "config:\n  beacon:builder: oci\n", StringComparison.Ordinal));
        var oci = InProcess.Beacon(_repo.Root, "stacks", "--builder", "oci", "--json");
        Assert.True(oci.ExitCode == 0, oci.Stderr);
        Assert.Equal("[\"globex-k8s\"]", oci.Stdout.TrimEnd());
        var docker = InProcess.Beacon(_repo.Root, "stacks", "--builder", "docker", "--json");
        Assert.Equal("[\"acme-aws-prod\",\"acme-gcp-dev\",\"acme-local\",\"globex-azure-prod\"]", docker.Stdout.TrimEnd());
        var plan = InProcess.Beacon(_repo.Root, "plan", "--stack", "globex-k8s");
        Assert.True(plan.ExitCode == 0, plan.Stderr);
        Assert.Contains("├─ images, in build order (oci builder: Beacon installs into /opt/conda and pushes by digest)\n", plan.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Beacon_run_says_where_it_runs_and_refuses_what_it_cannot_place()
    {
        var route = InProcess.Beacon(_repo.Root, "route", "--requires", "pandas >=2", "--stack", "acme-local");
        var dry = InProcess.Beacon(_repo.Root, "run", "--requires", "pandas >=2", "--stack", "acme-local", "--dry-run", "--", "python", "-c", "import pandas");
        Assert.True(dry.ExitCode == 0, dry.Stderr);
        Assert.StartsWith($"layer    {route.Stdout.Trim()}\nimage    127.0.0.1:5000/{route.Stdout.Trim()}:", dry.Stdout, StringComparison.Ordinal);
        Assert.EndsWith("command  python -c 'import pandas'\n", dry.Stdout, StringComparison.Ordinal);
        Assert.StartsWith($"beacon run: layer {route.Stdout.Trim()}: the smallest layer (", dry.Stderr, StringComparison.Ordinal);

        var nowhere = InProcess.Beacon(_repo.Root, "run", "--requires", "no-such-package", "--", "true");
        Assert.Equal(2, nowhere.ExitCode);
        Assert.StartsWith("beacon run: error BEA0618: no layer of stack 'acme-local' satisfies no-such-package: core: it has no no-such-package", nowhere.Stderr, StringComparison.Ordinal);
        var both = InProcess.Beacon(_repo.Root, "run", "--layer", "core", "--requires", "pandas", "--", "true");
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("give either --layer or --requires specs", both.Stderr, StringComparison.Ordinal);

        // A kubernetes stack's Job goes to kubectl with --apply; there is no cluster (nor its kubeconfig) here.
        var apply = InProcess.Beacon(_repo.Root, "run", "--layer", "core", "--stack", "globex-k8s", "--apply", "--", "true");
        Assert.Equal(1, apply.ExitCode);
        Assert.StartsWith("beacon run: error BEA0619: kubectl ", apply.Stderr[(apply.Stderr.IndexOf('\n') + 1)..], StringComparison.Ordinal);
    }

    [Fact]
    public void With_json_a_failure_is_a_json_document_on_stdout()
    {
        var r = InProcess.Beacon(_repo.Root, "route", "no-such-workload", "--json");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal("BEA0603", doc.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(2, doc.RootElement.GetProperty("exit_code").GetInt32());

        File.WriteAllText(_repo.Path_("layers/snowflake.yaml"), "name: snowflake\nparent: nowhere\n");
        var invalid = InProcess.Beacon(_repo.Root, "check", "--json");
        Assert.Equal(2, invalid.ExitCode);
        using var failure = JsonDocument.Parse(invalid.Stdout);
        Assert.Equal(JsonValueKind.Null, failure.RootElement.GetProperty("error").ValueKind);
        Assert.Contains(failure.RootElement.GetProperty("diagnostics").EnumerateArray(), d => d.GetProperty("code").GetString() == "BEA0103");

        var badLine = InProcess.Beacon(_repo.Root, "graph", "--json", "--bogus");
        using var parse = JsonDocument.Parse(badLine.Stdout);
        Assert.Equal("BEA0600", parse.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public void Control_characters_in_user_text_are_printed_escaped()
    {
        var r = InProcess.Beacon(_repo.Root, "route", "\u001b[31mred\u001b[0m");
        Assert.Equal(2, r.ExitCode);
        Assert.DoesNotContain('\u001b', r.Stderr);
        Assert.Contains("\\u001b[31mred", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_into_a_folder_where_a_file_is_in_the_way_writes_nothing()
    {
        var output = _repo.Path_("out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "kubernetes"), "a file, not a folder");
        var r = InProcess.Beacon(_repo.Root, "render", "--stack", "acme-local", "--out", "out");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("error BEA0610: cannot write", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("nothing was written", r.Stderr, StringComparison.Ordinal);
        Assert.Equal(["kubernetes"], Directory.EnumerateFileSystemEntries(output).Select(Path.GetFileName));

        var ok = InProcess.Beacon(_repo.Root, "render", "--stack", "acme-local", "--out", "fresh");
        Assert.Equal(0, ok.ExitCode);
        Assert.True(File.Exists(_repo.Path_("fresh/pulumi/Main.yaml")));
        Assert.Equal(InProcess.Beacon(_repo.Root, "codeowners").Stdout, File.ReadAllText(_repo.Path_("fresh/CODEOWNERS")));
        Assert.Contains("/workloads/risk-batch.yaml @acme/risk\n", File.ReadAllText(_repo.Path_("fresh/CODEOWNERS")), StringComparison.Ordinal);
    }

    [Fact]
    public void No_command_shows_what_there_is_to_run()
    {
        var r = InProcess.Beacon(_repo.Root);
        Assert.Equal(0, r.ExitCode);
        foreach (var command in new[] { "pipeline", "validate", "lock", "check", "route", "diff", "fork", "plan", "synth", "render", "build", "test", "publish", "up", "down", "status", "explain", "solve" })
        {
            Assert.Contains("  " + command + " ", r.Stdout, StringComparison.Ordinal);
        }
    }

    public void Dispose() => _repo.Dispose();
}
