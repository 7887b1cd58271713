using Beacon.Layers.Diagnostics;

namespace Beacon.Layers.Tests.Diagnostics;

public class GitHubAnnotationTests
{
    [Fact]
    public void Values_are_escaped_as_the_runner_reads_them()
    {
        var d = Diagnostic.Error(new SourceLocation("layers/a,b:c.yaml", 3, 7), DiagnosticCode.InvalidMatchSpec, "100% wrong\nsecond line\r\u001b[31mred");
        Assert.Equal("::error file=layers/a%2Cb%3Ac.yaml,line=3,col=7,title=BEA0109::100%25 wrong%0Asecond line%0D\\u001b[31mred", GitHubAnnotation.Format(d));
        Assert.Equal("::warning file=x.yaml,line=1,col=1,title=BEA0010::careful",
            GitHubAnnotation.Format(Diagnostic.Warning(new SourceLocation("x.yaml"), DiagnosticCode.UnknownKey, "careful")));
        Assert.Equal("::error title=BEA0601::beacon lock: no such layer: x", GitHubAnnotation.Format(DiagnosticCode.UnknownLayerArgument, "beacon lock: no such layer: x"));
    }
}
