using Beacon.Conda.Records;
using static Beacon.Conda.Tests.Records.Made;
using Beacon.Conda.Solver;
using Beacon.Conda.Specs;

namespace Beacon.Conda.Tests.Solver;

/// <summary>The check every answer of the solver passes before anyone sees it: each way an answer can be wrong is refused.</summary>
public class SolutionCheckTests
{
    private static readonly PackageRecord App = Record("app", "1.0", ["lib >=2"], ["tool <3"]);
    private static readonly PackageRecord Lib2 = Record("lib", "2.0");
    private static readonly PackageRecord Lib1 = Record("lib", "1.0");
    private static readonly PackageRecord Tool3 = Record("tool", "3.0");
    private static readonly PackageRecord Tool2 = Record("tool", "2.0");

    private static void Verify(PackageRecord[] answer, string[] requests, PackageRecord[]? pins = null)
    {
        var request = new SolveRequest
        {
            Channels = [[App, Lib2, Lib1, Tool3, Tool2]],
            Requests = requests.Select(r => new Request(MatchSpec.Parse(r))).ToList(),
            HardPins = (pins ?? []).Select(p => new HardPin(p, "layer 'parent'")).ToList(),
        };
        var pool = new Pool(request, ChannelPriority.Strict);
        SolutionCheck.Verify(pool, request, [0, .. answer.Select(pool.Find)]);
    }

    [Fact]
    public void A_complete_answer_passes() => Verify([App, Lib2, Tool2], ["app"], [Lib2]);

    [Theory]
    [InlineData("missing-dependency", "app-1.0-0 depends on 'lib >=2', which nothing installed provides")]
    [InlineData("unmet-dependency", "app-1.0-0 depends on 'lib >=2', which nothing installed provides")]
    [InlineData("broken-constraint", "app-1.0-0 constrains 'tool <3', which the installed tool-3.0-0 breaks")]
    [InlineData("two-of-a-name", "two records of 'lib' are installed: lib-2.0-0 and lib-1.0-0")]
    [InlineData("unmet-request", "the request 'tool' is not met")]
    [InlineData("missing-pin", "the pin lib-2.0-0 (layer 'parent') is not installed")]
    public void Each_way_an_answer_can_be_wrong_is_refused_as_a_solver_defect(string wrong, string what)
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
        {
            switch (wrong)
            {
                case "missing-dependency": Verify([App], ["app"]); break;
                case "unmet-dependency": Verify([App, Lib1], ["app"]); break;
                case "broken-constraint": Verify([App, Lib2, Tool3], ["app"]); break;
                case "two-of-a-name": Verify([Lib2, Lib1], ["lib"]); break;
                case "unmet-request": Verify([App, Lib2], ["app", "tool"]); break;
                default: Verify([Lib1], ["lib"], [Lib2]); break;
            }
        });
        Assert.Equal($"the solver's answer is inconsistent ({what}); this is a defect in Beacon's solver, please report it with the request", e.Message);
    }
}
