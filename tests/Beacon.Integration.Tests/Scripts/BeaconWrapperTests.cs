using Beacon.TestSupport;

namespace Beacon.Integration.Tests.Scripts;

/// <summary>
/// The README's main command runs <c>./beacon</c>, which publishes the native CLI when its sources change. The
/// wrapper is copied unchanged beside a scratch source tree, with a stand-in <c>dotnet</c> first on PATH (visible
/// here: it logs each publish and writes an executable that says so) — the real Native AOT publish takes a minute and
/// runs in CI's README step. What is tested is the wrapper's decision: build once, not again for rewritten files under
/// obj/ or for a touched but unchanged file, again when a source's content changes.
/// </summary>
public sealed class BeaconWrapperTests : IDisposable
{
    private readonly TempRepo _scratch = new("beacon-wrapper-");

    public BeaconWrapperTests()
    {
        File.Copy(RepoPaths.RepoFile("beacon"), _scratch.Path_("beacon"));
        File.SetUnixFileMode(_scratch.Path_("beacon"), (UnixFileMode)0b111_101_101);
        foreach (var file in new[] { "Directory.Build.props", "Directory.Packages.props", "global.json", "nuget.config" })
        {
            _scratch.Write(file, "<Project />\n");
        }
        _scratch.Write("src/Beacon.Cli/Beacon.Cli.csproj", "<Project />\n");
        _scratch.Write("src/Beacon.Cli/Program.cs", "return 0;\n");
        _scratch.Write("standin/dotnet", $"""
            #!/bin/sh
            # Stand-in dotnet for the wrapper test: --info names a RID; publish -o DIR writes DIR/beacon and logs the call.
            case "$1" in
              --info) echo " RID:         linux-x64" ;;
              publish)
                if [ -f '{_scratch.Path_("fail-next")}' ]; then rm '{_scratch.Path_("fail-next")}'; echo "Program.cs(1,1): error CS1002: ; expected"; exit 3; fi
                echo "  Beacon.Cli -> the stand-in's output"
                while [ "$#" -gt 0 ]; do [ "$1" = "-o" ] && out="$2"; shift; done
                mkdir -p "$out" && printf '#!/bin/sh\necho "stand-in beacon $*"\n' > "$out/beacon" && chmod +x "$out/beacon"
                echo publish >> '{_scratch.Path_("publishes.log")}' ;;
            esac
            """);
        File.SetUnixFileMode(_scratch.Path_("standin/dotnet"), (UnixFileMode)0b111_101_101);
    }

    public void Dispose() => _scratch.Dispose();

    private (int Exit, string Stdout, string Stderr, int Publishes) Run()
    {
        var path = _scratch.Path_("standin") + ":" + Environment.GetEnvironmentVariable("PATH");
        var result = ProcessRunner.Run(_scratch.Path_("beacon"), ["check"], _scratch.Root, new Dictionary<string, string?> { ["PATH"] = path });
        var publishes = File.Exists(_scratch.Path_("publishes.log")) ? File.ReadAllLines(_scratch.Path_("publishes.log")).Length : 0;
        return (result.ExitCode, result.Stdout, result.Stderr, publishes);
    }

    [Fact]
    public void The_cli_is_built_once_and_again_only_when_a_sources_content_changes()
    {
        var first = Run();
        Assert.Equal((0, "stand-in beacon check\n", 1), (first.Exit, first.Stdout, first.Publishes));
        // The build's output is its progress on stderr (stdout carries only what beacon prints); stderr is not a
        // terminal here, so each line carries its UTC time, as in a CI log.
        Assert.Matches("^beacon: building the native CLI \\(first run or sources changed; about a minute\\)\\.\\.\\.\n" +
            "20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z    Beacon\\.Cli -> the stand-in's output\n$", first.Stderr);

        var second = Run();
        Assert.Equal((0, "", 1), (second.Exit, second.Stderr, second.Publishes));

        // What `dotnet build` and `dotnet test` do under obj/ and bin/, and a touch that changes no byte.
        _scratch.Write("src/Beacon.Cli/obj/Release/net10.0/Beacon.Cli.AssemblyInfo.cs", "// generated\n");
        _scratch.Write("src/Beacon.Cli/bin/Release/net10.0/beacon.dll", "binary\n");
        File.SetLastWriteTimeUtc(_scratch.Path_("src/Beacon.Cli/Program.cs"), DateTime.UtcNow.AddMinutes(5));
        Assert.Equal(1, Run().Publishes);

        _scratch.Write("src/Beacon.Cli/Program.cs", "return 1;\n");
        var changed = Run();
        Assert.Equal((0, 2), (changed.Exit, changed.Publishes));
        Assert.Equal(2, Run().Publishes);

        // A failed build fails the wrapper (the pipe that indents the output does not hide dotnet's exit status), with
        // the compiler's message; the old CLI is not run, and the next run builds again.
        _scratch.Write("src/Beacon.Cli/Program.cs", "return 2\n");
        _scratch.Write("fail-next", "");
        var failed = Run();
        Assert.Equal((1, ""), (failed.Exit, failed.Stdout));
        Assert.EndsWith("Z  Program.cs(1,1): error CS1002: ; expected\nbeacon: the build failed (its output is above)\n", failed.Stderr, StringComparison.Ordinal);
        Assert.Equal((0, 3), (Run().Exit, Run().Publishes));
    }

    [Fact]
    public void The_stamp_holds_the_cpu_s_features_so_a_build_moved_to_another_cpu_is_rebuilt()
    {
        // The executable is compiled for this CPU (IlcInstructionSet native): the stamp is the sha256 of the sources'
        // sha256sum lines followed by the CPU's feature line, so another CPU means another stamp, hence a build.
        Assert.Equal(1, Run().Publishes);
        var cpu = File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("flags", StringComparison.Ordinal) || l.StartsWith("Features", StringComparison.Ordinal));
        string Stamp(string cpuLine)
        {
            var files = new[] { "Directory.Build.props", "Directory.Packages.props", "global.json", "nuget.config", "src/Beacon.Cli/Beacon.Cli.csproj", "src/Beacon.Cli/Program.cs" }
                .Order(StringComparer.Ordinal)
                .Select(f => $"{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(_scratch.Path_(f))))}  {f}\n");
            return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Concat(files) + $"cpu {cpuLine}\n"))) + "\n";
        }
        var stampFile = _scratch.Path_(".beacon/cli/sources.sha256");
        Assert.Equal(Stamp(cpu), File.ReadAllText(stampFile));

        // The same checkout on a CPU with one feature less: the stamp it would have written is not this one.
        File.WriteAllText(stampFile, Stamp(cpu.Replace(" avx512f", "", StringComparison.Ordinal).Replace(" sse2", "", StringComparison.Ordinal)));
        Assert.Equal(2, Run().Publishes);
        Assert.Equal(Stamp(cpu), File.ReadAllText(stampFile));
    }
}
