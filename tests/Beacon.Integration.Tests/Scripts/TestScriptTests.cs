using System.Text.RegularExpressions;
using System.Xml.Linq;
using Beacon.TestSupport;

namespace Beacon.Integration.Tests.Scripts;

/// <summary>
/// The README's test command (scripts/test.sh) is what CI trusts: its exit status must follow the tests. The script
/// is copied unchanged beside a scratch solution of one real xunit project, and run three times: all passing (exit
/// 0), one failing (exit 1, and the summary line says so), and a project that does not compile (exit 1). The
/// passing run keeps the test from passing merely because the script always fails.
/// </summary>
public sealed partial class TestScriptTests : IDisposable
{
    private readonly TempRepo _scratch = new("beacon-testsh-");

    public TestScriptTests()
    {
        Directory.CreateDirectory(_scratch.Path_("scripts"));
        File.Copy(RepoPaths.RepoFile("scripts", "test.sh"), _scratch.Path_("scripts/test.sh"));
        File.Copy(RepoPaths.RepoFile("nuget.config"), _scratch.Path_("nuget.config"));
        var versions = XDocument.Load(RepoPaths.RepoFile("Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!);
        _scratch.Write("Sample.Tests/Sample.Tests.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework><IsTestProject>true</IsTestProject><Nullable>enable</Nullable></PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Microsoft.NET.Test.Sdk" Version="{versions["Microsoft.NET.Test.Sdk"]}" />
                <PackageReference Include="xunit" Version="{versions["xunit"]}" />
                <PackageReference Include="xunit.runner.visualstudio" Version="{versions["xunit.runner.visualstudio"]}" />
              </ItemGroup>
            </Project>
            """);
        _scratch.Write("Scratch.sln", """

            Microsoft Visual Studio Solution File, Format Version 12.00
            # Visual Studio Version 17
            Project("{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}") = "Sample.Tests", "Sample.Tests\Sample.Tests.csproj", "{6B2D3C1E-0B7E-4F2A-9C55-2D1A3F4E5B60}"
            EndProject
            Global
            	GlobalSection(SolutionConfigurationPlatforms) = preSolution
            		Release|Any CPU = Release|Any CPU
            	EndGlobalSection
            	GlobalSection(ProjectConfigurationPlatforms) = postSolution
            		{6B2D3C1E-0B7E-4F2A-9C55-2D1A3F4E5B60}.Release|Any CPU.ActiveCfg = Release|Any CPU
            		{6B2D3C1E-0B7E-4F2A-9C55-2D1A3F4E5B60}.Release|Any CPU.Build.0 = Release|Any CPU
            	EndGlobalSection
            EndGlobal

            """);
    }

    private ProcessResult Run(string tests)
    {
        _scratch.Write("Sample.Tests/SampleTests.cs", "using Xunit;\npublic class SampleTests\n{\n" + tests + "\n}\n");
        // The test host's own MSBuild and vstest variables must not leak into the nested dotnet test.
        var environment = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(k => k, _ => (string?)null);
        return ProcessRunner.Run("bash", [_scratch.Path_("scripts/test.sh")], _scratch.Root, environment, TimeSpan.FromMinutes(5));
    }

    private static string Summary(ProcessResult result) => SummaryLine().Match(result.Stdout) is { Success: true } m ? m.Value : $"no summary line in:\n{result.Stdout}\n{result.Stderr}";

    [Fact]
    public void Its_exit_status_follows_the_tests_and_agrees_with_its_summary_line()
    {
        var passing = Run("[Fact] public void One() => Assert.Equal(2, 1 + 1);\n[Fact] public void Two() => Assert.True(true);");
        Assert.True(passing.ExitCode == 0, passing.Stdout + passing.Stderr);
        Assert.Equal("2 passed, 0 failed, 0 skipped", Summary(passing));
        Assert.Contains("test assemblies: 1 of 1", passing.Stdout, StringComparison.Ordinal);

        var failing = Run("[Fact] public void One() => Assert.Equal(2, 1 + 1);\n[Fact] public void Two() => Assert.Equal(3, 1 + 1);");
        Assert.Equal(1, failing.ExitCode);
        Assert.Equal("1 passed, 1 failed, 0 skipped", Summary(failing));
        Assert.Contains("test.sh: 1 test(s) failed", failing.Stderr, StringComparison.Ordinal);

        var broken = Run("[Fact] public void One() => Assert.Equal(2, 1 + );");
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains("test assemblies: 0 of 1", broken.Stdout, StringComparison.Ordinal);
        Assert.Contains("only 0 of 1 test projects ran", broken.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _scratch.Dispose();

    [GeneratedRegex(@"(?m)^\d+ passed, \d+ failed, \d+ skipped.*$")]
    private static partial Regex SummaryLine();
}
