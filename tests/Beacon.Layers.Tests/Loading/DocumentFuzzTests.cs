using Beacon.Layers.Diagnostics;
using Beacon.Layers.Loading;
using Beacon.Layers.Yaml;
using Beacon.TestSupport;
using Xunit.Abstractions;

namespace Beacon.Layers.Tests.Loading;

/// <summary>
/// Fuzz (issue 10): the YAML readers over mutated example documents (layers, workloads, stacks, beacon.yaml) —
/// each alone, and in a whole repository load. Every input gives a result or diagnostics, never an exception or a hang;
/// every diagnostic has a file, a positive line and a code.
/// </summary>
public class DocumentFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] Kinds = ["layers", "workloads", "stacks", "."];

    private static readonly (string Kind, string Text)[] Seeds = Kinds
        .SelectMany(kind => Directory.GetFiles(RepoPaths.RepoFile(kind), "*.yaml").Order(StringComparer.Ordinal)
            .Where(f => kind != "." || Path.GetFileName(f) == "beacon.yaml")
            .Select(f => (kind, File.ReadAllText(f))))
        .ToArray();

    private static readonly string[] Tokens =
    [
        "\n", ": ", "- ", "  ", "\t", "{", "}", "[", "]", ",", "&a ", "*a", "!!str ", "!!binary ", "!custom ", "<<: ", "? ", "|\n", ">-\n", "'", "\"",
        "#", "---\n", "...\n", "%YAML 1.1\n", "~", "null", "true", "1e400", "-1", "0x10", ".inf", "${x}", "$(", "\\u0000", "\0", "\u202e", "\ud800",
        "name: ", "parent: ", "dependencies:", "workloads:", "layer: ", "hardware: ", "schedule: ", "command: ", "ports: ", "system:", "stage: ",
        "config:", "beacon:target: ", "../", "/etc/passwd", "a\u0301", "core", "gpu", "\"*/0 * * * *\"", "65536", "0",
    ];

    private static void Read(string kind, string text)
    {
        var bag = new DiagnosticBag();
        var file = kind == "." ? "beacon.yaml" : $"{kind}/fuzzed.yaml";
        if (YamlLoader.Load(text, file, bag) is { } node)
        {
            switch (kind)
            {
                case "layers":
                    LayerReader.Read(file, node, bag);
                    break;
                case "workloads":
                    WorkloadReader.Read(file, node, bag);
                    break;
                case "stacks":
                    StackReader.Read(file, node, bag);
                    break;
                default:
                    SettingsReader.Read(file, node, bag);
                    break;
            }
        }
        Assert.All(bag.Items, d => Assert.True(d.Location.File == file && d.Location.Line >= 1, d.ToString()));
    }

    [Fact]
    public void Each_reader_gives_a_document_or_diagnostics()
    {
        Fuzz.Run("YAML documents", Mutations.Indexed(Seeds.Select(s => s.Text).ToArray(), Tokens), input => Read(Seeds[input.Seed].Kind, input.Text), output,
            input => $"{Seeds[input.Seed].Kind}: {Fuzz.Show(input.Text)}");
    }

    [Fact]
    public void A_repository_with_one_mutated_file_loads_or_gives_positioned_diagnostics()
    {
        using var repo = new TempRepo("beacon-fuzz-load-");
        repo.CopyExample();
        var files = Kinds.SelectMany(kind => Directory.GetFiles(repo.Path_(kind), "*.yaml")
            .Where(f => kind != "." || Path.GetFileName(f) == "beacon.yaml")).Order(StringComparer.Ordinal).ToArray();
        var originals = files.Select(File.ReadAllText).ToArray();
        Fuzz.Run("repository load", Mutations.Indexed(originals, Tokens), input =>
        {
            File.WriteAllBytes(files[input.Seed], System.Text.Encoding.UTF8.GetBytes(input.Text)); // lone surrogates saved as U+FFFD
            try
            {
                var result = WorkspaceLoader.Load(repo.Root);
                Assert.True(result.Success == (result.Workspace is not null));
                Assert.All(result.Diagnostics, d => Assert.True(d.Location.File.Length > 0 && d.Location.Line >= 1, d.ToString()));
            }
            finally
            {
                File.WriteAllText(files[input.Seed], originals[input.Seed]);
            }
        }, output, input => $"{Path.GetFileName(files[input.Seed])}: {Fuzz.Show(input.Text)}");
    }
}
