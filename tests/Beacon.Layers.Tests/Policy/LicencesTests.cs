using Beacon.Layers.Policy;

namespace Beacon.Layers.Tests.Policy;

/// <summary>Licence expressions as conda-forge writes them, judged one licence at a time.</summary>
public class LicencesTests
{
    private static bool Allowed(string expression, params string[] allowed) =>
        Licences.Satisfies(expression, l => allowed.Any(a => Licences.Matches(a, l)));

    [Theory]
    [InlineData("MIT", true)]
    [InlineData("mit", true)]
    [InlineData("MPL-2.0 or MIT", true)]
    [InlineData("MPL-2.0 OR GPL-3.0-only", false)]
    [InlineData("Apache-2.0 AND BSD-3-Clause", true)]
    [InlineData("Apache-2.0 AND GPL-3.0-only", false)]
    [InlineData("(MIT OR GPL-3.0-only) AND BSD-3-Clause", true)]
    [InlineData("((MIT)) AND (Apache-2.0 OR GPL-2.0)", true)]
    [InlineData("GPL-3.0-only WITH GCC-exception-3.1", false)]
    [InlineData("BSD 3-Clause", false)]
    public void Or_needs_one_choice_and_needs_every_part(string expression, bool expected) =>
        Assert.Equal(expected, Allowed(expression, "MIT", "Apache-2.0", "BSD-3-Clause"));

    [Fact]
    public void Free_text_is_one_licence_named_by_the_whole_text()
    {
        Assert.True(Allowed("BSD 3-Clause", "BSD 3-Clause"));
        Assert.Equal(["BSD 3-Clause"], Licences.Named("BSD 3-Clause"));
        Assert.Equal(["LGPL-2.1", "GPL-2.0"], Licences.Named("LGPL-2.1 and GPL-2.0"));
    }

    [Fact]
    public void A_trailing_star_is_a_prefix_and_patterns_are_checked()
    {
        Assert.True(Licences.Matches("GPL-*", "GPL-3.0-only"));
        Assert.False(Licences.Matches("GPL-*", "LGPL-2.1"));
        Assert.True(Licences.IsPattern("LicenseRef-*"));
        Assert.False(Licences.IsPattern("MIT; rm -rf /"));
        Assert.False(Licences.IsPattern("*"));
    }

    [Theory]
    [InlineData("MIT", true)]
    [InlineData("BSD-3-Clause", true)]
    [InlineData("GPL-2.0+", true)]
    [InlineData("LGPL-2.1-or-later AND (MIT OR Apache-2.0)", true)]
    [InlineData("GPL-2.0-or-later WITH Classpath-exception-2.0", true)]
    [InlineData("LicenseRef-conda-1", true)]
    [InlineData("BSD 3-Clause", false)]
    [InlineData("Apache 2.0", false)]
    [InlineData("MIT and BSD-3-Clause", false)]
    [InlineData("MIT OR", false)]
    [InlineData("AND MIT", false)]
    [InlineData("(MIT", false)]
    [InlineData("MIT)", false)]
    [InlineData("()", false)]
    [InlineData("MIT OR OR BSD-2-Clause", false)]
    [InlineData("PSF/2.0", false)]
    [InlineData("", false)]
    public void An_spdx_expression_is_told_from_free_text(string text, bool valid) =>
        Assert.Equal(valid, Licences.IsSpdxExpression(text));
}
