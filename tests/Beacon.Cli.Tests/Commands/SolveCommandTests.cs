using System.Net;
using System.Text.Json;
using Beacon.TestSupport;

namespace Beacon.Cli.Tests.Commands;

public class SolveCommandTests
{
    private static readonly string Defaults = Fixtures.Channel("defaults-2018");
    private static readonly string Demo = RepoPaths.RepoFile("channels", "demo");

    [Fact]
    public void Json_lists_the_packages_sorted_by_name_with_urls_and_hashes()
    {
        var r = InProcess.Beacon(RepoPaths.Root, "solve", "-c", Defaults, "python 3.6.*", "numpy", "pandas", "scipy", "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.True(doc.RootElement.GetProperty("solved").GetBoolean());
        var packages = doc.RootElement.GetProperty("packages").EnumerateArray().ToList();
        Assert.Equal(26, packages.Count);
        var names = packages.Select(p => p.GetProperty("name").GetString()!).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        var python = packages.Single(p => p.GetProperty("name").GetString() == "python");
        foreach (var key in new[] { "version", "build", "build_number", "subdir", "channel", "fn", "url", "sha256" })
        {
            Assert.True(python.TryGetProperty(key, out _), key);
        }
        Assert.EndsWith("/linux-64/" + python.GetProperty("fn").GetString(), python.GetProperty("url").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Condas_own_solver_test_channel_solves_with_one_named_warning()
    {
        // channel-1 (conda's tests/data): 1149 records, none with a sha256, and three records named for another package than
        // their fields say (anaconda-custom-0.tar.bz2 says dummy-anaconda custom 0). A solve keeps the records without sha256 (it locks nothing) and leaves
        // out the odd one, saying so once.
        using var channel = new TempRepo("beacon-channel-1-");
        Directory.CreateDirectory(channel.Path_("linux-64"));
        File.Copy(Fixtures.Path("conda", "solver-cases", "data", "channel-1_non-noarch.json.zst"), channel.Path_("linux-64/repodata.json.zst"));
        var r = InProcess.Beacon(RepoPaths.Root, "solve", "-c", channel.Root, "--platform", "linux-64", "--json", "numpy 1.7.*", "python 3.3.*");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal([$"warning: channel '{channel.Root}': 3 records named for another package than their fields say left out: " +
            "linux-64/anaconda-custom-0.tar.bz2 (its fields say dummy-anaconda custom 0), " +
            "linux-64/_dummy_anaconda_impl-1.0-0.tar.bz2 (its fields say _dummy_anaconda_impl-1.0-0.tar.bz2 1.0 0), " +
            "linux-64/_dummy_anaconda_impl-2.0-0.tar.bz2 (its fields say _dummy_anaconda_impl-1.0-0.tar.bz2 2.0 0)"],
            r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.True(doc.RootElement.GetProperty("solved").GetBoolean());
        Assert.Contains(doc.RootElement.GetProperty("packages").EnumerateArray(), p => p.GetProperty("fn").GetString() == "numpy-1.7.1-py33_0.tar.bz2");
    }

    [Fact]
    public void Table_for_people()
    {
        var r = InProcess.Beacon(RepoPaths.Root, "solve", "-c", Demo, "python 3.11.*", "numpy");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("numpy", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("1.26.4", r.Stdout, StringComparison.Ordinal);
        Assert.EndsWith(" packages\n", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsatisfiable_exits_1_with_the_explanation()
    {
        var json = InProcess.Beacon(RepoPaths.Root, "solve", "-c", Demo, "pytorch 2.3.* cuda*", "--virtual", "__cuda=", "--json");
        Assert.Equal(1, json.ExitCode);
        using var doc = JsonDocument.Parse(json.Stdout);
        Assert.False(doc.RootElement.GetProperty("solved").GetBoolean());
        Assert.Contains("the target system has no __cuda", doc.RootElement.GetProperty("explanation").GetString(), StringComparison.Ordinal);

        var text = InProcess.Beacon(RepoPaths.Root, "solve", "-c", Demo, "pytorch 2.3.* cuda*", "--virtual", "__cuda=");
        Assert.Equal(1, text.ExitCode);
        Assert.Equal("", text.Stdout);
        Assert.StartsWith("The requested packages cannot be installed together:", text.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Virtual_cuda_lets_the_cuda_build_in()
    {
        var r = InProcess.Beacon(RepoPaths.Root, "solve", "-c", Demo, "pytorch 2.3.*", "python 3.11.*", "--virtual", "__cuda=12.4", "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("cuda120_py311", r.Stdout, StringComparison.Ordinal);
        var cpu = InProcess.Beacon(RepoPaths.Root, "solve", "-c", Demo, "pytorch 2.3.*", "python 3.11.*", "--virtual", "__cuda=", "--json");
        Assert.Contains("cpu_generic_py311", cpu.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Pin_file_makes_a_parent_lock_binding()
    {
        using var temp = new TempRepo();
        var parent = InProcess.Beacon(RepoPaths.Root, "solve", "-c", Defaults, "python 3.6.*", "numpy", "--json");
        using var doc = JsonDocument.Parse(parent.Stdout);
        var lines = doc.RootElement.GetProperty("packages").EnumerateArray()
            .Select(p => p.GetProperty("url").GetString() + "#sha256:" + p.GetProperty("sha256").GetString());
        temp.Write("parent.lock", "# platform: linux-64\n@EXPLICIT\n" + string.Join("\n", lines) + "\n");
        var child = InProcess.Beacon(RepoPaths.Root, "solve", "-c", Defaults, "--pin-file", temp.Path_("parent.lock"), "python 3.7.*");
        Assert.Equal(1, child.ExitCode);
        Assert.Contains("which 'parent.lock' pins", child.Stderr, StringComparison.Ordinal);
        var ok = InProcess.Beacon(RepoPaths.Root, "solve", "-c", Defaults, "--pin-file", temp.Path_("parent.lock"), "pandas", "--json");
        Assert.Equal(0, ok.ExitCode);
    }

    [Theory]
    [InlineData("numpy >=")]
    [InlineData("numpy; rm -rf /")]
    public void Invalid_specs_exit_2(string spec)
    {
        var r = InProcess.Beacon(RepoPaths.Root, "solve", "-c", Demo, spec);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("error BEA0109", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_channel_or_pin_file_exits_2()
    {
        Assert.Equal(2, InProcess.Beacon(RepoPaths.Root, "solve", "-c", "/no/such/channel", "numpy").ExitCode);
        Assert.Equal(2, InProcess.Beacon(RepoPaths.Root, "solve", "-c", Demo, "--pin-file", "/no/such.lock", "numpy").ExitCode);
        Assert.Equal(2, InProcess.Beacon(RepoPaths.Root, "solve", "numpy").ExitCode);
    }

    [Fact]
    public void Solves_against_an_http_channel_on_loopback()
    {
        using var server = new LoopbackServer((_, ctx) =>
        {
            var path = ctx.Request.Url!.AbsolutePath; // /demo/<subdir>/repodata.json[.zst]
            var file = Path.Combine(Demo, path.Split('/')[2], "repodata.json");
            return path.EndsWith(".json", StringComparison.Ordinal) && File.Exists(file)
                ? LoopbackServer.Send(ctx, 200, File.ReadAllBytes(file), "\"demo\"")
                : LoopbackServer.Send(ctx, (int)HttpStatusCode.NotFound);
        });
        using var cache = new TempRepo();
        var r = ProcessRunner.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "beacon.dll"), "solve", "-c", server.Url + "/demo", "python 3.12.*", "numpy", "--json"],
            RepoPaths.Root, new Dictionary<string, string?> { ["BEACON_CACHE_DIR"] = cache.Root });
        Assert.Equal(0, r.ExitCode);
        Assert.Contains(server.Url + "/demo/linux-64/numpy-1.26.4-py312", r.Stdout, StringComparison.Ordinal);
        Assert.NotEmpty(Directory.GetFiles(cache.Root));
    }

    [Fact]
    public void Virtual_packages_in_condas_printed_form_are_accepted_and_anything_else_is_refused()
    {
        var ok = InProcess.Beacon(RepoPaths.Root, "solve", "-c", Demo, "python 3.11.*", "--virtual", "__archspec=1=x86_64", "--virtual", "__glibc=2.35=0", "--json");
        Assert.Equal(0, ok.ExitCode);
        var refused = InProcess.Beacon(RepoPaths.Root, "solve", "-c", Demo, "python 3.11.*", "--virtual", "__archspec=1=x86_64=extra");
        Assert.Equal(2, refused.ExitCode);
        Assert.Equal("beacon solve: error BEA0110: --virtual: '__archspec=1=x86_64=extra' has more than name, version and build; write __archspec=version or __archspec=version=build\n", refused.Stderr);
        var notVirtual = InProcess.Beacon(RepoPaths.Root, "solve", "-c", Demo, "python", "--virtual", "cuda=12");
        Assert.Contains("'cuda' is not a virtual package name", notVirtual.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void The_build_of_a_virtual_package_takes_part_in_matching()
    {
        var zen = InProcess.Beacon(RepoPaths.Root, "solve", "-c", Demo, "__archspec * zen4", "--virtual", "__archspec=1=zen4");
        Assert.Equal(0, zen.ExitCode);
        var x86 = InProcess.Beacon(RepoPaths.Root, "solve", "-c", Demo, "__archspec * zen4", "--virtual", "__archspec=1=x86_64");
        Assert.Equal(1, x86.ExitCode);
    }

    [Fact]
    public void Condas_overrides_apply_to_a_one_off_solve()
    {
        var env = new Dictionary<string, string?> { ["CONDA_OVERRIDE_CUDA"] = "12.4" };
        var r = InProcess.Beacon(RepoPaths.Root, env, "solve", "-c", Demo, "pytorch 2.3.*", "python 3.11.*", "--json");
        Assert.Contains("cuda120_py311", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Sixty_thousand_nested_parentheses_in_an_argument_or_in_repodata_give_a_clear_answer()
    {
        // Issue 10, defect 4: both overflowed the stack in the version-spec parser (exit 134).
        var deep = new string('(', 60_000) + ">=1" + new string(')', 60_000);
        var argument = InProcess.Beacon(RepoPaths.Root, "solve", "-c", Demo, "python " + deep);
        Assert.Equal(2, argument.ExitCode);
        Assert.Equal($"beacon solve: error BEA0109: spec: 'python {new string('(', 153)}… (120010 characters)' is not a valid conda MatchSpec: " +
            $"a package spec of 120010 characters; at most {Beacon.Conda.Specs.MatchSpec.MaxLength} are allowed\n", argument.Stderr);

        using var channel = new TempRepo("beacon-deep-depends-");
        channel.Write("linux-64/repodata.json", "{\"info\": {\"subdir\": \"linux-64\"}, \"packages.conda\": {\"a-1-0.conda\": {\"name\": \"a\", \"version\": \"1\", " +
            $"\"build\": \"0\", \"depends\": [\"b {deep}\"], \"sha256\": \"{new string('a', 64)}\"}}}}}}");
        channel.Write("noarch/repodata.json", "{\"info\": {\"subdir\": \"noarch\"}, \"packages\": {}}");
        var depends = InProcess.Beacon(RepoPaths.Root, "solve", "-c", channel.Root, "a");
        Assert.Equal(1, depends.ExitCode);
        Assert.Contains($"a 1 0 requires b {new string('(', 158)}… (120005 characters), but no package in the channels matches it", depends.Stderr, StringComparison.Ordinal);
    }
}
