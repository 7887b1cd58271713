using Beacon.Conda.Channels;
using Beacon.Layers.Gate;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;
using Beacon.TestSupport;

namespace Beacon.Layers.Tests.Policy;

/// <summary>
/// The policy corpus: each case gives a copy of the example organisation a policy.yaml and/or real OSV advisories
/// (tests/fixtures/osv, from GitHub's advisory database) and pins the exact diagnostics in Policy/Corpus/&lt;case&gt;.txt
/// — of loading when the policy itself is refused, else of the gate, judged on a fixed day (2026-12-05).
/// </summary>
public class PolicyCorpusTests
{
    private static readonly string CorpusDir = Path.Combine(RepoPaths.SourceDir(), "Corpus");
    private static readonly DateOnly Day = new(2026, 12, 5);

    private static void Advisories(TempRepo repo, params string[] ids)
    {
        foreach (var id in ids)
        {
            repo.Write($"advisories/{id}.json", File.ReadAllText(RepoPaths.RepoFile("tests", "fixtures", "osv", id + ".json")));
        }
    }

    private const string Requests = "GHSA-9wx4-h78v-vm56";
    private const string Idna = "GHSA-jjg7-2v4v-x38h";

    private static string Exception(string rule, string package, string expires, string? layers = null) =>
        $"  - rule: {rule}\n    package: \"{package}\"\n" + (layers is null ? "" : $"    layers: [{layers}]\n") +
        $"    owner: \"@acme/security\"\n    reason: the affected call is not used by Acme's code\n    expires: {expires}\n";

    /// <summary>Each case: what it writes, and whether the gate passes afterwards (null: the policy does not load).</summary>
    private static readonly Dictionary<string, (Action<TempRepo> Write, bool? Passes)> Cases = new()
    {
        // Real licences of the demo channel: r-base is GPL-2.0-or-later, xz "LGPL-2.1 and GPL-2.0" (an AND: both count).
        ["licence-denied"] = (repo => repo.Write("policy.yaml", "licenses:\n  deny: [\"GPL-2.0*\"]\n"), false),
        // Everything the example holds but MPL-2.0 and vendor licences: zeromq (MPL-2.0) and CUDA's are refused, tqdm's
        // "MPL-2.0 or MIT" passes by its MIT choice.
        ["licence-not-allowed"] = (repo => repo.Write("policy.yaml",
            "licenses:\n  allow: [BSD-3-Clause, BSD-2-Clause, MIT, Apache-2.0, ISC, PSF-2.0, Python-2.0, Zlib, TCL, X11, bzip2-1.0.6, Unlicense,\n" +
            "          LicenseRef-Public-Domain, \"GPL-*\", \"LGPL-*\"]\n"), false),
        ["package-denied"] = (repo => repo.Write("policy.yaml", "deny:\n  - package: \"numpy <2\"\n    reason: numpy 1.x is out of support at Acme\n"), false),
        ["advisories"] = (repo => Advisories(repo, Requests, Idna), false),
        // Excused by id, and by an alias (CVE-2024-3651 is the idna advisory's CVE).
        ["advisories-excepted"] = (repo =>
        {
            Advisories(repo, Requests, Idna);
            repo.Write("policy.yaml", "exceptions:\n" + Exception(Requests, "requests 2.31.*", "2027-03-31") + Exception("CVE-2024-3651", "idna", "2026-12-05"));
        }, true),
        // An exception for core only: core-arm holds the same idna and is not excused.
        ["exception-for-one-layer"] = (repo =>
        {
            Advisories(repo, Idna);
            repo.Write("policy.yaml", "exceptions:\n" + Exception(Idna, "idna", "2027-03-31", "core"));
        }, false),
        // The day after its last day: the exception fails, and its finding counts again.
        ["exception-expired"] = (repo =>
        {
            Advisories(repo, Requests);
            repo.Write("policy.yaml", "exceptions:\n" + Exception(Requests, "requests", "2026-12-04"));
        }, false),
        // An exception that matches nothing (the version is not the locked one): a warning, the gate passes.
        ["exception-unused"] = (repo => repo.Write("policy.yaml", "licenses:\n  deny: [AGPL-3.0*]\nexceptions:\n" + Exception("license", "r-base 3.*", "2027-01-01")), true),
        ["licence-excepted"] = (repo => repo.Write("policy.yaml", "licenses:\n  deny: [\"GPL-2.0*\"]\nexceptions:\n" +
            Exception("license", "r-base", "2027-01-01", "r-analytics") + Exception("license", "xz 5.2.*", "2027-01-01")), true),
        // advisory-names says which conda package a PyPI name is (torch: pytorch in real life); here the idna advisory
        // is pointed at conda's requests, so the hit can only come from the mapping (and idna itself is no longer named).
        ["advisory-names"] = (repo =>
        {
            Advisories(repo, Idna);
            repo.Write("policy.yaml", "advisory-names:\n  IDNA: requests\n");
        }, false),
        ["invalid-policy"] = (repo => repo.Write("policy.yaml",
            "licenses:\n  allow: [\"MIT; rm -rf /\"]\n  denny: [GPL-*]\ndeny:\n  - package: \"numpy >>2\"\n    reason: x\n" +
            "advisory-names:\n  \"torch$\": pytorch\nexceptions:\n  - rule: GPL\n    package: numpy\n    owner: \"@acme/x\"\n    reason: y\n    expires: next week\n" +
            "  - rule: license\n    package: numpy\n"), null),
        ["invalid-advisory"] = (repo =>
        {
            repo.Write("advisories/broken.json", "{\"id\": \"GHSA-xxxx\", \"affected\": [");
            repo.Write("advisories/not-osv.json", "[1, 2, 3]");
        }, null),
    };

    public static TheoryData<string> Names() => new(Cases.Keys.Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Each_policy_gives_its_exact_diagnostics(string name)
    {
        using var repo = new TempRepo("beacon-policy-");
        repo.CopyExample();
        var (write, passes) = Cases[name];
        write(repo);
        var loaded = WorkspaceLoader.Load(repo.Root);
        string text;
        if (passes is null)
        {
            Assert.False(loaded.Success);
            text = string.Concat(loaded.Diagnostics.Select(d => d + "\n"));
        }
        else
        {
            Assert.True(loaded.Success, string.Join("\n", loaded.Diagnostics));
            var gate = await LockGate.RunAsync(loaded.Workspace!, await ChannelIndex.LoadAsync(loaded.Workspace!, new ChannelLoader(null)), today: Day);
            Assert.True(passes == gate.Passed, string.Join("\n", gate.Diagnostics));
            text = string.Concat(gate.Diagnostics.Select(d => d + "\n"));
        }
        Snapshot.MatchFile(text, Path.Combine(CorpusDir, name + ".txt"));
    }

    [Fact]
    public void Every_case_has_its_pinned_file_and_no_file_lacks_a_case()
    {
        var files = Directory.EnumerateFiles(CorpusDir, "*.txt").Select(Path.GetFileNameWithoutExtension).Where(n => !n!.EndsWith(".received", StringComparison.Ordinal));
        Assert.Equal(Cases.Keys.Order(StringComparer.Ordinal), files.Order(StringComparer.Ordinal));
    }
}
