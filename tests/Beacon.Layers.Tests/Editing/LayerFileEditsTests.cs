using Beacon.Conda.Specs;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Editing;
using Beacon.Layers.Loading;
using Beacon.Layers.Yaml;

namespace Beacon.Layers.Tests.Editing;

/// <summary>
/// <c>beacon add/remove</c>'s edit of a layer file: comments, order and quoting of everything else stay byte for byte,
/// and the result is a valid layer with exactly the expected dependencies.
/// </summary>
public sealed class LayerFileEditsTests
{
    private const string Block = """
        # The research layer.
        name: research
        parent: core
        dependencies:
          - scipy >=1.11   # pinned by the quants
          # plotting
          - "matplotlib-base"
          - pip:
              - some-wheel ==1.0
        stage: experimental
        """;

    private static string Edit(string text, string[] add, string[] remove) =>
        LayerFileEdits.WithDependencies(text + "\n", add.Select(MatchSpec.Parse).ToList(), remove);

    [Fact]
    public void A_new_spec_goes_after_the_last_conda_entry_before_pip_in_the_list_s_indentation()
    {
        Assert.Equal("""
            # The research layer.
            name: research
            parent: core
            dependencies:
              - scipy >=1.11   # pinned by the quants
              # plotting
              - "matplotlib-base"
              - pyarrow
              - pkg >=2
              - pip:
                  - some-wheel ==1.0
            stage: experimental

            """, Edit(Block, ["pyarrow", "pkg[version='>=2']"], []));
    }

    [Fact]
    public void A_spec_for_a_listed_package_takes_its_place_and_its_comment_stays()
    {
        Assert.Equal(Block.Replace("scipy >=1.11", "scipy >=1.12,<2", StringComparison.Ordinal) + "\n", Edit(Block, ["scipy >=1.12,<2"], []));
    }

    [Fact]
    public void A_removed_package_takes_its_whole_line_with_it()
    {
        Assert.Equal("""
            # The research layer.
            name: research
            parent: core
            dependencies:
              # plotting
              - "matplotlib-base"
              - pip:
                  - some-wheel ==1.0
            stage: experimental

            """, Edit(Block, [], ["scipy"]));
    }

    [Fact]
    public void Removing_every_entry_leaves_an_empty_list_and_a_missing_list_is_added()
    {
        var only = "name: research\nparent: core\ndependencies:\n  - scipy\nstage: experimental";
        Assert.Equal("name: research\nparent: core\ndependencies: []\nstage: experimental\n", Edit(only, [], ["scipy"]));
        Assert.Equal("name: research\nparent: core\ndependencies:\n  - scipy\n", Edit("name: research\nparent: core", ["scipy"], []));
        Assert.Equal("name: research\ndependencies: [scipy]\nparent: core\n", Edit("name: research\ndependencies:\nparent: core", ["scipy"], []));
    }

    [Fact]
    public void A_flow_list_stays_a_flow_list_and_a_comma_in_a_spec_is_quoted_there()
    {
        var flow = "name: research\nparent: core\ndependencies: [scipy, \"numpy >=1.26\"]  # short\n";
        Assert.Equal("name: research\nparent: core\ndependencies: [\"numpy >=1.26\", \"pandas >=2,<3\"]  # short\n",
            LayerFileEdits.WithDependencies(flow, [MatchSpec.Parse("pandas >=2,<3")], ["scipy"]));
    }

    [Theory]
    [InlineData("python 3.11.*", "python 3.11.*")]
    [InlineData("numpy>=1.26", "numpy >=1.26")]
    [InlineData("conda-forge::numpy", "\"conda-forge::numpy\"")]
    [InlineData("numpy[build=py311*]", "numpy * py311*")]
    public void Specs_are_written_plain_only_when_yaml_keeps_them_literal(string spec, string expected)
    {
        var scalar = LayerFileEdits.Scalar(MatchSpec.Parse(spec));
        Assert.Equal(expected, scalar);
        // Whatever the form, YAML reads back the spec's text.
        var bag = new DiagnosticBag();
        var layer = LayerReader.Read("layers/x.yaml", YamlLoader.Load($"name: x\nparent: core\ndependencies:\n  - {scalar}\n", "layers/x.yaml", bag)!, bag);
        Assert.False(bag.HasErrors, string.Join("\n", bag.Items));
        Assert.Equal(MatchSpec.Parse(spec).ToString(), layer!.Dependencies.Single().Spec.ToString());
    }
}
