using Beacon.Conda.Records;
using static Beacon.Conda.Tests.Records.Made;

namespace Beacon.Conda.Tests.Records;

/// <summary>The one rule for "an environment holds its own dependencies and keeps its constraints" (solver answers, locks).</summary>
public class EnvironmentClosureTests
{
    private static List<string> Breaks(bool virtualPackagesIncluded, params PackageRecord[] installed) =>
        EnvironmentClosure.Breaks(installed, virtualPackagesIncluded)
            .Select(b => $"{b.Record.Name} {b.Spec} {b.Breaker?.DistString ?? "(nothing)"}").ToList();

    [Fact]
    public void A_closed_environment_has_no_breaks() =>
        Assert.Empty(Breaks(false, Record("app", "1.0", ["lib >=2"], ["tool <3"]), Record("lib", "2.1"), Record("tool", "2.0")));

    [Fact]
    public void A_missing_or_unmet_dependency_and_a_broken_constraint_are_each_named()
    {
        Assert.Equal(["app lib >=2 (nothing)"], Breaks(false, Record("app", "1.0", ["lib >=2"])));
        Assert.Equal(["app lib >=2 (nothing)"], Breaks(false, Record("app", "1.0", ["lib >=2"]), Record("lib", "1.0")));
        Assert.Equal(["app tool <3 tool-3.0-0"], Breaks(false, Record("app", "1.0", constrains: ["tool <3"]), Record("tool", "3.0")));
    }

    [Fact]
    public void A_dependency_that_does_not_parse_is_met_by_nothing()
    {
        Assert.False(Beacon.Conda.Specs.MatchSpec.TryParse("lib >=>=2").Success);
        Assert.Equal(["app lib >=>=2 (nothing)"], Breaks(false, Record("app", "1.0", ["lib >=>=2"]), Record("lib", "2.0")));
    }

    [Fact]
    public void Virtual_package_dependencies_count_only_where_the_set_holds_virtual_packages()
    {
        var app = Record("app", "1.0", ["__glibc >=2.17"]);
        Assert.Empty(Breaks(false, app));
        Assert.Equal(["app __glibc >=2.17 (nothing)"], Breaks(true, app));
        Assert.Empty(Breaks(true, app, Record("__glibc", "2.36")));
    }
}
