using System.Globalization;
using Beacon.Images.Rendering;
using YamlDotNet.RepresentationModel;

namespace Beacon.Images.Tests.Rendering;

/// <summary>
/// <see cref="Yaml.Write"/> streams events to YamlDotNet's emitter; the oracle is YamlDotNet's own representation
/// model (a <see cref="YamlStream"/> of <see cref="Yaml.ToNode"/>'s nodes), which the writer used before. Same bytes,
/// and the text reads back as the values written.
/// </summary>
public class YamlTests
{
    private static readonly string[] Awkward =
    [
        "plain", "", " ", "  lead", "trail ", "true", "no", "~", "null", "1", "1.5", "0x1F", "1e3", "-", "- a", "a: b", "a:",
        ":a", "#c", "a #c", "@x", "{x}", "${x}", "$$", "[a]", "'q'", "\"q\"", "back\\slash", "tab\there", "line\nbreak",
        "cr\rhere", "\u00e9t\u00e9", "\u65e5\u672c", "emoji \U0001F600", "nul\u0000", "bell\u0007", "\u2028sep", "*a", "&a",
        "!tag", "%dir", "|", ">", "?", "a,b", "x" + new string('y', 200), string.Join(' ', Enumerable.Repeat("word", 60)),
        "registry.example:5000/beacon/core:abc", "python -m http.server 8080", "...", "---", "--- x", "-", "-a", ".", "..",
        "a\u00a0b", "\ufeffbom", "\u0085nel", "\u2029par", "\u001b[0m", "\u007f", "\u009f", "\ufffe", "\b\v\f", "80", "8080/tcp",
        "app.kubernetes.io/name", "a:b", "a::", "x@y", "{", "}", "$", "$$x", "${a}b",
        new string('k', 1024), new string('k', 1025), "multi\nline key " + new string('k', 200),
    ];

    /// <summary>Random strings over characters YAML treats specially (and plain ones), seeded: the same run every time.</summary>
    private static IEnumerable<string> RandomStrings(int count)
    {
        const string alphabet = "aZ09 -_.:/${}@#&*!|>'\"%`,?[]~=\\\t\n\r\u0000\u0007\u001b\u0085\u00a0\u00e9\u2028\u65e5\ufeff\ufffd";
        var random = new Random(21);
        for (var i = 0; i < count; i++)
        {
            var chars = Enumerable.Range(0, random.Next(0, 12)).Select(_ => alphabet[random.Next(alphabet.Length)]);
            var text = string.Concat(chars);
            yield return random.Next(10) == 0 ? text + "\U0001F600" : text;
        }
    }

    private static string Oracle(object root, Func<string, string>? escape)
    {
        var stream = new YamlStream(new YamlDocument(Yaml.ToNode(root, escape)));
        using var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        stream.Save(writer, assignAnchors: false);
        var text = writer.ToString();
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }

    private static Map Document()
    {
        var map = new Map();
        for (var i = 0; i < Awkward.Length; i++)
        {
            map.Add($"k{i}", Awkward[i]);
        }
        map.Add("raw", new Raw("${registry.url}"))
            .Add("list", Awkward.ToList())
            .Add("empty-list", new List<string>())
            .Add("empty-map", new Map())
            .Add("nested", new Map().Add("numbers", new List<object> { 1, 2L, 0.25, true, false }).Add("maps", new List<Map> { new Map().Add("a", "b"), new Map() }))
            .Add("lists", new List<object> { new List<string> { "a", "b" }, new List<string>() })
            .Add("items", new List<object> { new Map().Add("a", new List<string> { "x" }).Add("b", new Map().Add("c", "d")), new List<object> { new Map().Add("e", 1) } });
        var random = RandomStrings(2000).ToList();
        map.Add("random", random);
        var keyed = new Map();
        foreach (var key in random.Distinct())
        {
            keyed.Add(key, key);
        }
        map.Add("random-keys", keyed);
        foreach (var key in Awkward.Distinct())
        {
            map.Add(key, new Map().Add(key, new List<string> { key }));
        }
        return map;
    }

    [Fact]
    public void The_written_text_is_the_representation_models_text()
    {
        var document = Document();
        Assert.Equal(Oracle(document, null), Yaml.Write(document));
        Assert.Equal(Oracle(document, Escape.Pulumi), Yaml.Write(document, Escape.Pulumi));
    }

    [Fact]
    public void The_text_reads_back_as_the_values_written()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(Yaml.Write(Document())));
        var root = (YamlMappingNode)stream.Documents.Single().RootNode;
        for (var i = 0; i < Awkward.Length; i++)
        {
            Assert.Equal(Awkward[i], ((YamlScalarNode)root[$"k{i}"]).Value);
        }
        Assert.Equal(Awkward, ((YamlSequenceNode)root["list"]).Children.Select(n => ((YamlScalarNode)n).Value));
        var random = RandomStrings(2000).ToList();
        Assert.Equal(random, ((YamlSequenceNode)root["random"]).Children.Select(n => ((YamlScalarNode)n).Value));
        var keyed = (YamlMappingNode)root["random-keys"];
        Assert.All(random.Distinct(), key => Assert.Equal(key, ((YamlScalarNode)keyed[key]).Value));
    }

    [Fact]
    public void Roots_and_values_of_every_kind_are_written()
    {
        Assert.Equal("a: 1\nb: true\nc: \"null\"\nd: 0.25\ne: []\nf: {}\n", Yaml.Write(new Map().Add("a", 1).Add("b", true).Add("c", new Raw("null")).Add("d", 0.25).Add("e", new List<int>()).Add("f", new Map())));
        Assert.Equal("- a\n- - b\n", Yaml.Write(new List<object> { "a", new List<string> { "b" } }));
        Assert.Equal("{}\n", Yaml.Write(new Map()));
    }
}
