using Beacon.Docker.Testing;
using Beacon.TestSupport;

namespace Beacon.Docker.Tests.Testing;

/// <summary>The evidence publish asks for names the image and the tests: a pass is valid for exactly that pair.</summary>
public sealed class TestEvidenceTests : IDisposable
{
    private readonly TempRepo _dir = new("beacon-evidence-");
    private static readonly TestSuite Tests = new("layer core", ["python -c 'import numpy'", "test -f /opt/conda/bin/python"]);

    private TestEvidence Evidence => new(_dir.Path_(TestEvidence.DefaultPath));

    [Fact]
    public void A_pass_is_valid_for_the_image_and_the_tests_that_ran()
    {
        Evidence.Record("sha256:aaa", "core", Tests, passed: true, tests: 2);
        Assert.Equal(TestVerdict.Passed, Evidence.Verdict("sha256:aaa", "core", Tests));
        Assert.Equal(TestVerdict.NotRun, Evidence.Verdict("sha256:bbb", "core", Tests)); // another image
        Assert.Equal(TestVerdict.NotRun, Evidence.Verdict("sha256:aaa", "other", Tests)); // another layer
        Assert.Equal(TestVerdict.TestsChanged, Evidence.Verdict("sha256:aaa", "core", new TestSuite("layer core", ["false"])));
        Assert.Equal(TestVerdict.TestsChanged, Evidence.Verdict("sha256:aaa", "core", new TestSuite("layer core", [.. Tests.Commands.Reverse()])));
        Assert.Equal(TestVerdict.TestsChanged, Evidence.Verdict("sha256:aaa", "core", new TestSuite("layer core", [])));
    }

    [Fact]
    public void The_last_run_decides()
    {
        Evidence.Record("sha256:aaa", "core", Tests, passed: true, tests: 2);
        Evidence.Record("sha256:aaa", "core", Tests, passed: false, tests: 3);
        Assert.Equal(TestVerdict.Failed, Evidence.Verdict("sha256:aaa", "core", Tests));
    }

    [Fact]
    public void Commands_that_only_join_differently_have_different_fingerprints()
    {
        Assert.NotEqual(TestEvidence.Fingerprint(new TestSuite("s", ["a\nb"])), TestEvidence.Fingerprint(new TestSuite("s", ["a", "b"])));
        Assert.NotEqual(TestEvidence.Fingerprint(new TestSuite("s", [""])), TestEvidence.Fingerprint(new TestSuite("s", [])));
        Assert.Equal(TestEvidence.Fingerprint(new TestSuite("x", ["a"])), TestEvidence.Fingerprint(new TestSuite("y", ["a"])));
    }

    [Theory]
    [InlineData("{\"sha256:aaa\": {\"Layer\": \"core\", \"Passed\": true, \"Tests\": 2}}")] // the first schema: no fingerprint
    [InlineData("{\"schema\": 2, \"results\": {\"sha256:aaa\": {\"layer\": \"core\", \"passed\": true}}}")] // no tests fingerprint
    [InlineData("not json")]
    public void A_record_that_does_not_name_its_tests_proves_nothing(string text)
    {
        _dir.Write(TestEvidence.DefaultPath, text);
        Assert.Equal(TestVerdict.NotRun, Evidence.Verdict("sha256:aaa", "core", Tests));
    }

    [Fact]
    public void A_symlinked_record_is_not_read()
    {
        var elsewhere = _dir.Path_("elsewhere.json");
        new TestEvidence(elsewhere).Record("sha256:aaa", "core", Tests, passed: true, tests: 2);
        Directory.CreateDirectory(_dir.Path_(".beacon"));
        File.CreateSymbolicLink(_dir.Path_(TestEvidence.DefaultPath), elsewhere);
        Assert.Equal(TestVerdict.NotRun, Evidence.Verdict("sha256:aaa", "core", Tests));
    }

    public void Dispose() => _dir.Dispose();
}
