using Beacon.Conda.Channels;
using Beacon.Conda.Records;
using Beacon.Conda.Solver;
using Beacon.Conda.Specs;
using Beacon.TestSupport;

namespace Beacon.Conda.Tests.Solver;

/// <summary>Solves on the real repodata fixtures, with the answers mamba and resolvo give on them.</summary>
public class RealChannelTests
{
    private static readonly Lazy<ChannelData> Defaults2018 = new(() => Load("defaults-2018"));
    private static readonly Lazy<ChannelData> CondaForgePy = new(() => Load("conda-forge-py-2024-05"));
    private static readonly Lazy<ChannelData> CondaForgeNumpy = new(() => Load("conda-forge-numpy-2024-02"));

    private static ChannelData Load(string name) =>
        LocalChannel.Load(Fixtures.Channel(name), ["linux-64", "noarch"], name);

    internal static SolveResult Solve(ChannelData channel, IEnumerable<string> specs, IEnumerable<HardPin>? pins = null,
        IEnumerable<PackageRecord>? virtuals = null, IEnumerable<PackageRecord>? locks = null) =>
        CondaSolver.Solve(new SolveRequest
        {
            Channels = [channel.Records],
            Requests = specs.Select(s => new Request(MatchSpec.Parse(s))).ToList(),
            HardPins = pins?.ToList() ?? [],
            VirtualPackages = virtuals?.ToList() ?? [],
            SoftLocks = locks?.ToList() ?? [],
        });

    [Fact]
    public void Defaults_python36_numpy_pandas_scipy_picks_the_mkl_variant()
    {
        var result = Solve(Defaults2018.Value, ["python 3.6.*", "numpy", "pandas", "scipy"]);
        Assert.True(result.Solved, result.Conflict?.Text);
        var names = result.Records!.Select(r => r.Name).ToList();
        Assert.Equal(26, result.Records!.Count);
        Assert.Contains("mkl", names);
        Assert.DoesNotContain("nomkl", names);
        Assert.DoesNotContain("openblas", names);
        Assert.Equal("3.6.6", result.Records!.Single(r => r.Name == "python").Version.Text);
        Snapshot.Match(string.Join("\n", result.Records!.Select(r => r.DistString)) + "\n", "defaults-python36-numpy-pandas-scipy");
    }

    [Fact]
    public void A_child_solved_on_its_parent_only_adds_packages()
    {
        var parent = Solve(Defaults2018.Value, ["python 3.6.*", "numpy"]);
        Assert.True(parent.Solved);
        var pins = parent.Records!.Select(r => new HardPin(r, "layer 'base'")).ToList();
        var child = Solve(Defaults2018.Value, ["pandas", "scipy"], pins);
        Assert.True(child.Solved, child.Conflict?.Text);
        var parentDists = parent.Records!.Select(r => r.DistString).ToHashSet();
        var childDists = child.Records!.Select(r => r.DistString).ToHashSet();
        Assert.Subset(childDists, parentDists);
        var added = childDists.Except(parentDists).Order(StringComparer.Ordinal).ToList();
        Assert.Contains(added, d => d.StartsWith("pandas-", StringComparison.Ordinal));
        Assert.Contains(added, d => d.StartsWith("scipy-", StringComparison.Ordinal));
        var addedNames = child.Records!.Where(r => added.Contains(r.DistString)).Select(r => r.Name).ToList();
        Assert.DoesNotContain("python", addedNames);
        Assert.DoesNotContain("numpy", addedNames);
    }

    [Fact]
    public void A_child_that_would_move_a_parent_pin_is_refused_naming_the_parent()
    {
        var parent = Solve(Defaults2018.Value, ["python 3.6.*", "numpy"]);
        var pins = parent.Records!.Select(r => new HardPin(r, "layer 'base'")).ToList();
        var child = Solve(Defaults2018.Value, ["python 3.7.*"], pins);
        Assert.False(child.Solved);
        Assert.Contains("layer 'base'", child.Conflict!.Text, StringComparison.Ordinal);
        Assert.Equal(["layer 'base'"], child.Conflict.PinOrigins);
        Snapshot.Match(child.Conflict.Text, "child-python37-on-python36-parent");
    }

    [Fact]
    public void Without_hard_pins_a_preference_alone_would_replace_the_parents_python()
    {
        // The reason parents are hard pins: as mere soft locks, python 3.6 is silently replaced.
        var parent = Solve(Defaults2018.Value, ["python 3.6.*", "numpy"]);
        var child = Solve(Defaults2018.Value, ["python 3.7.*"], locks: parent.Records);
        Assert.True(child.Solved);
        Assert.StartsWith("3.7", child.Records!.Single(r => r.Name == "python").Version.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Conda_forge_python39_pip()
    {
        var result = Solve(CondaForgePy.Value, ["python 3.9.*", "pip"]);
        Assert.True(result.Solved, result.Conflict?.Text);
        Assert.StartsWith("3.9.", result.Records!.Single(r => r.Name == "python").Version.Text, StringComparison.Ordinal);
        Snapshot.Match(string.Join("\n", result.Records!.Select(r => r.DistString)) + "\n", "conda-forge-python39-pip");
    }

    [Fact]
    public void Conda_forge_numpy_closure()
    {
        var result = Solve(CondaForgeNumpy.Value, ["numpy"]);
        Assert.True(result.Solved, result.Conflict?.Text);
        Snapshot.Match(string.Join("\n", result.Records!.Select(r => r.DistString)) + "\n", "conda-forge-numpy");
    }

    /// <summary>
    /// Found by comparing with rattler: asked for libzlib first, the solver met a conflict while it added libnghttp2's
    /// dependency clauses, stopped adding them, and never added the rest (the record is expanded once), so it answered
    /// libnghttp2 without the openssl it depends on. Each request order must give a complete environment, and the same one.
    /// </summary>
    [Theory]
    [InlineData("libzlib|libnghttp2")]
    [InlineData("libnghttp2|libzlib")]
    [InlineData("libzlib|libnghttp2|libgomp")]
    [InlineData("setuptools|pypy3.9|krb5")]
    public void Every_dependency_of_every_record_holds_whatever_conflicts_came_while_its_clauses_were_added(string specs)
    {
        var result = Solve(CondaForgePy.Value, specs.Split('|'));
        Assert.True(result.Solved, result.Conflict?.Text);
        var installed = result.Records!;
        // Checked here on its own, not only by the solver's SolutionCheck (one could hide the other's mistake).
        var unmet = installed.SelectMany(r => r.Depends.Where(d => !d.StartsWith("__", StringComparison.Ordinal)
                && !installed.Any(MatchSpec.Parse(d).Matches)).Select(d => $"{r.DistString} needs {d}")).ToList();
        Assert.Empty(unmet);
        if (specs.Contains("libnghttp2", StringComparison.Ordinal))
        {
            Assert.Contains(installed, r => r.Name == "openssl");
        }
        else
        {
            Assert.Contains(installed, r => r.Name == "python_abi");
            Assert.Contains(installed, r => r.Name == "pip");
        }
    }

    /// <summary>
    /// Found by comparing with rattler: r-base 3.3.2 depends on icu 54.*, which defaults-2018 does not have, so its
    /// clause is "not r-base 3.3.2" (one literal, watched by nothing). When another clause of the same record conflicted
    /// first and was the one analysed, r-base 3.3.2 could come back after the backjump with nothing to refuse it, and the
    /// solver answered an environment without icu. rattler and Beacon now both find no solution.
    /// </summary>
    [Theory]
    [InlineData("r-modelr|r-mass <7.3_47")]
    [InlineData("lazy-object-proxy ==1.3.1|r-chron|graphite2|r-modelr|r-mass <7.3_47")]
    public void A_dependency_no_package_matches_keeps_its_record_out_for_good(string specs)
    {
        var result = Solve(Defaults2018.Value, specs.Split('|'));
        Assert.False(result.Solved, string.Join(" ", result.Records?.Select(r => r.DistString) ?? []));
        Assert.Contains("requires icu 54.*, but no package in the channels matches it (available: 58.2)", result.Conflict!.Text, StringComparison.Ordinal);
        if (specs.StartsWith("r-modelr", StringComparison.Ordinal))
        {
            Snapshot.Match(result.Conflict.Text, "r-modelr-r-mass-before-7.3_47");
        }
    }

    /// <summary>
    /// The search meets the requirement with the fewest candidates first: asked for r-dplyr and r-magrittr, it settled
    /// r-magrittr's r build (the higher build number), which ties it to r-base and so to r-dplyr 0.7.4, although r-dplyr
    /// 0.7.5 (built for mro-base only) has a solution. Requested packages are then raised to the highest version with a
    /// solution, whatever the order of the requests.
    /// </summary>
    [Theory]
    [InlineData("r-dplyr|r-magrittr")]
    [InlineData("r-magrittr|r-dplyr")]
    public void A_requested_package_gets_the_highest_version_that_has_a_solution(string specs)
    {
        var result = Solve(Defaults2018.Value, specs.Split('|'));
        Assert.True(result.Solved, result.Conflict?.Text);
        Assert.Equal("0.7.5", result.Records!.Single(r => r.Name == "r-dplyr").Version.Text);
        Assert.Contains(result.Records!, r => r.Name == "mro-base");
    }

    /// <summary>
    /// A child asking again for a package its parent pins keeps the parent's version: the pin alone makes every raise
    /// unsolvable (the raise pass also skips pinned names, a shortcut that saves those solves; this test holds either way).
    /// </summary>
    [Fact]
    public void A_package_a_parent_pins_keeps_its_version_when_the_child_asks_for_it_again()
    {
        var parent = Solve(Defaults2018.Value, ["r-dplyr 0.7.4", "r-magrittr"]);
        var pins = parent.Records!.Select(r => new HardPin(r, "layer 'base'")).ToList();
        var child = Solve(Defaults2018.Value, ["r-dplyr", "r-glue"], pins);
        Assert.True(child.Solved, child.Conflict?.Text);
        Assert.Equal("0.7.4", child.Records!.Single(r => r.Name == "r-dplyr").Version.Text);
    }

    [Fact]
    public void Unknown_package_is_explained()
    {
        var result = Solve(Defaults2018.Value, ["numpy", "no-such-package >=1"]);
        Assert.False(result.Solved);
        Snapshot.Match(result.Conflict!.Text, "unknown-package");
    }

    [Fact]
    public void Conflicting_requests_are_explained()
    {
        var result = Solve(Defaults2018.Value, ["numpy 1.13.*", "python 3.7.*"]);
        Assert.False(result.Solved);
        Snapshot.Match(result.Conflict!.Text, "numpy19-python37");
    }
}

public class SoftLockAndDeterminismTests
{
    private static readonly Lazy<Beacon.Conda.Channels.ChannelData> Defaults = new(() =>
        Beacon.Conda.Channels.LocalChannel.Load(Fixtures.Channel("defaults-2018"), ["linux-64", "noarch"]));

    [Fact]
    public void A_soft_locked_older_record_is_kept_when_it_still_fits()
    {
        var old = RealChannelTests.Solve(Defaults.Value, ["python 3.6.*", "numpy 1.14.*"]);
        var relock = RealChannelTests.Solve(Defaults.Value, ["python 3.6.*", "numpy", "pandas"], locks: old.Records);
        Assert.True(relock.Solved);
        var before = old.Records!.ToDictionary(r => r.Name, r => r.DistString);
        // Everything that was there stays exactly as it was; only pandas and its new dependencies are added.
        Assert.All(before, kv => Assert.Equal(kv.Value, relock.Records!.Single(r => r.Name == kv.Key).DistString));
        var fresh = RealChannelTests.Solve(Defaults.Value, ["python 3.6.*", "numpy", "pandas"]);
        Assert.NotEqual(fresh.Records!.Single(r => r.Name == "numpy").Version, relock.Records!.Single(r => r.Name == "numpy").Version);
    }

    [Fact]
    public void Freeing_a_package_updates_it_and_only_what_depends_on_it()
    {
        var old = RealChannelTests.Solve(Defaults.Value, ["python 3.6.*", "numpy 1.14.*", "pandas"]);
        var unpinned = RealChannelTests.Solve(Defaults.Value, ["python 3.6.*", "numpy", "pandas"],
            locks: old.Records!.Where(r => r.Name is not ("numpy" or "numpy-base")));
        Assert.True(unpinned.Solved);
        var changed = unpinned.Records!.Select(r => r.DistString).Except(old.Records!.Select(r => r.DistString))
            .Select(d => unpinned.Records!.Single(r => r.DistString == d).Name).Order(StringComparer.Ordinal).ToList();
        Assert.Contains("numpy", changed);
        Assert.DoesNotContain("python", changed);
        Assert.DoesNotContain("openssl", changed);
    }

    [Fact]
    public void The_same_request_gives_the_same_answer()
    {
        var a = RealChannelTests.Solve(Defaults.Value, ["python 3.6.*", "numpy", "pandas", "scipy"]);
        var b = RealChannelTests.Solve(Defaults.Value, ["scipy", "pandas", "numpy", "python 3.6.*"]);
        Assert.Equal(a.Records!.Select(r => r.DistString), b.Records!.Select(r => r.DistString));
    }
}
