using Beacon.Conda.Specs;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Documents;
using Beacon.Layers.Validation;
using Beacon.Layers.Yaml;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Beacon.Layers.Loading;

/// <summary>Reads one layer file into a <see cref="LayerDocument"/>, reporting every problem it finds.</summary>
public static class LayerReader
{
    /// <summary><c>stage:</c> of a layer or workload file: null when absent or not a stage (reported at its value).</summary>
    internal static Stage? ReadStage(MappingReader map, DiagnosticBag bag)
    {
        if (map.String("stage") is not { } text)
        {
            return null;
        }
        if (Stages.TryParse(text.Value, out var stage))
        {
            return stage;
        }
        bag.Error(text.Location, DiagnosticCode.UnknownStage, $"stage '{text.Value}' is not one of: {string.Join(", ", Stages.Names)}{Suggestions.DidYouMean(text.Value, Stages.Names)}");
        return null;
    }

    public static LayerDocument? Read(string file, YamlNode root, DiagnosticBag bag)
    {
        var map = MappingReader.For(file, root, bag, "a layer");
        if (map is null)
        {
            return null;
        }
        var name = map.String("name", required: true);
        if (name is { } n)
        {
            CheckName(n, "layer name", bag);
            var expected = Path.GetFileNameWithoutExtension(file);
            if (Names.IsDnsLabel(n.Value) && n.Value != expected)
            {
                bag.Error(n.Location, DiagnosticCode.FileNameMismatch, $"layer '{n.Value}' is in '{file}'; name the file 'layers/{n.Value}.yaml' or the layer '{expected}'");
            }
        }

        var parent = map.String("parent");
        if (parent is { } p)
        {
            CheckName(p, "parent", bag);
        }
        var description = map.String("description")?.Value;
        var owners = ReadOwners(map, bag);

        var channels = map.StringList("channels");
        foreach (var channel in channels?.Where(c => !Names.IsChannel(c.Value)) ?? [])
        {
            bag.Error(channel.Location, DiagnosticCode.InvalidChannel, $"'{channel.Value}' is not a channel name (such as conda-forge) or an http(s)/file URL");
        }

        var (dependencies, pip) = ReadDependencies(map, bag);
        var system = ReadSystem(map, bag);

        var hardware = map.String("hardware");
        if (hardware is { } h)
        {
            CheckName(h, "hardware profile", bag);
        }

        var stage = ReadStage(map, bag) ?? Stage.Experimental;

        var tests = map.StringList("tests", allowSingle: true) ?? [];
        foreach (var test in tests.Where(t => t.Value.Trim().Length == 0 || !Names.IsSingleLine(t.Value)))
        {
            bag.Error(test.Location, DiagnosticCode.InvalidTestCommand, "a test must be one non-empty command line (no newlines or control characters)");
        }

        var forkedFrom = map.String("forked-from");
        if (forkedFrom is { } ff)
        {
            CheckName(ff, "forked-from", bag);
        }
        var platform = map.String("platform");
        var baseImage = map.String("base-image");
        var prefix = map.String("prefix");
        if (prefix is { } px && !Names.IsPrefix(px.Value))
        {
            bag.Error(px.Location, DiagnosticCode.InvalidValue, $"prefix '{px.Value}' is not an absolute path of {Names.PrefixRule}");
        }
        if (parent is not null)
        {
            foreach (var (key, value) in new[] { ("platform", platform), ("base-image", baseImage), ("prefix", prefix) })
            {
                if (value is { } v)
                {
                    bag.Error(map.KeyLocation(key), DiagnosticCode.ChildSetsRootOnlyKey,
                        $"'{key}' can only be set on the root layer; a child layer inherits it from its parent '{parent.Value.Value}'");
                }
            }
        }
        else if (name is not null)
        {
            if (platform is null)
            {
                bag.Error(map.Location, DiagnosticCode.RootMissingKey, $"the root layer '{name.Value.Value}' must set 'platform' (for example linux-64)");
            }
            if (baseImage is null)
            {
                bag.Error(map.Location, DiagnosticCode.RootMissingKey, $"the root layer '{name.Value.Value}' must set 'base-image' (an image with micromamba, for example mambaorg/micromamba:1.5.8)");
            }
        }
        if (platform is { } pl && !Subdirs.IsKnown(pl.Value))
        {
            bag.Error(pl.Location, DiagnosticCode.InvalidValue,
                $"platform '{pl.Value}' is not a conda subdir{Suggestions.DidYouMean(pl.Value, Subdirs.Known)}");
        }
        if (baseImage is { } bi && !Names.IsImageReference(bi.Value))
        {
            bag.Error(bi.Location, DiagnosticCode.InvalidImageReference, $"base-image '{bi.Value}' is not a valid image reference ([registry/]name[:tag][@sha256:digest])");
        }

        map.ReportUnknownKeys();
        // A layer with other mistakes is still returned (they are reported already) so that its children do not
        // also get a misleading "unknown parent"; the run fails on the diagnostics either way.
        if (name is null || !Names.IsDnsLabel(name.Value.Value))
        {
            return null;
        }
        return new LayerDocument
        {
            Name = name.Value.Value,
            File = file,
            NameLocation = name.Value.Location,
            Parent = parent,
            Description = description,
            Owners = owners,
            Channels = channels?.Select(c => c.Value).ToList(),
            Dependencies = dependencies,
            Pip = pip,
            System = system,
            Hardware = hardware,
            Stage = stage,
            Tests = tests.Select(t => t.Value).ToList(),
            Platform = platform,
            BaseImage = baseImage,
            Prefix = prefix,
            ForkedFrom = forkedFrom?.Value,
        };
    }

    internal static void CheckName(Located<string> name, string what, DiagnosticBag bag)
    {
        if (!Names.IsDnsLabel(name.Value))
        {
            bag.Error(name.Location, DiagnosticCode.InvalidName, $"{what} '{name.Value}' is not valid: use {Names.DnsLabelRule}");
        }
    }

    private static (List<Dependency> Specs, List<string> Pip) ReadDependencies(MappingReader map, DiagnosticBag bag)
    {
        var specs = new List<Dependency>();
        var pip = new List<string>();
        var node = map.Raw("dependencies");
        if (node is null)
        {
            return (specs, pip);
        }
        if (node is not YamlSequenceNode seq)
        {
            map.WrongType("dependencies", node, "a list of conda package specs");
            return (specs, pip);
        }
        foreach (var item in seq.Children)
        {
            if (item is YamlScalarNode scalar && !Nodes.IsNull(item))
            {
                var dep = ParseSpec(map.File, scalar, "dependency", bag);
                if (dep is not null)
                {
                    specs.Add(dep);
                }
            }
            else if (item is YamlMappingNode m && MappingReader.For(map.File, m, bag, "a dependencies entry") is { } pipMap)
            {
                foreach (var p in pipMap.StringList("pip", required: true) ?? [])
                {
                    var requirement = p.Value.Trim();
                    var problem = Names.IsSingleLine(p.Value) ? PipRequirements.Check(requirement) : "a pip requirement must be one line";
                    if (problem is not null)
                    {
                        bag.Error(p.Location, DiagnosticCode.InvalidPipRequirement, Conda.Parsing.Printable.Escaped(problem));
                        continue;
                    }
                    pip.Add(requirement);
                }
                pipMap.ReportUnknownKeys();
            }
            else
            {
                bag.Error(Nodes.At(map.File, item), DiagnosticCode.WrongType, $"each dependency must be a conda package spec such as 'numpy >=1.26', found {Nodes.Describe(item)}");
            }
        }
        return (specs, pip);
    }

    /// <summary>Parses a MatchSpec from a scalar, pointing the diagnostic at the offending character where possible.</summary>
    internal static Dependency? ParseSpec(string file, YamlScalarNode scalar, string what, DiagnosticBag bag)
    {
        var text = scalar.Value ?? "";
        var at = Nodes.At(file, scalar);
        var parsed = MatchSpec.TryParse(text);
        if (parsed.Success)
        {
            return new Dependency(parsed.Value, text.Trim(), at);
        }
        var column = scalar.Style == ScalarStyle.Plain ? at.Column + parsed.Error.Position : at.Column;
        bag.Error(at with { Column = column }, DiagnosticCode.InvalidMatchSpec, MatchSpec.Refusal(text, parsed.Error, what));
        return null;
    }

    /// <summary><c>owners:</c> of a layer or workload (one or a list), each as CODEOWNERS takes it.</summary>
    internal static IReadOnlyList<string> ReadOwners(MappingReader map, DiagnosticBag bag)
    {
        var owners = map.StringList("owners", allowSingle: true) ?? [];
        foreach (var owner in owners.Where(o => !Names.IsOwner(o.Value)))
        {
            bag.Error(owner.Location, DiagnosticCode.InvalidOwner,
                $"owner '{Conda.Parsing.Printable.Of(owner.Value)}' is not {Names.OwnerRule}{(Names.IsOwner("@" + owner.Value) ? $"; did you mean '@{owner.Value}'?" : "")}");
        }
        return owners.Select(o => o.Value).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// <c>system:</c> as a mapping (<c>{__cuda: "12.4", __glibc: "2.35"}</c>) or as a list in conda's printed form
    /// (<c>[__cuda=12.4=0, __archspec=1=x86_64]</c>, pasted from <c>conda info</c>); values are kept in their canonical form.
    /// </summary>
    private static SortedDictionary<string, string> ReadSystem(MappingReader map, DiagnosticBag bag)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (map.Raw("system") is YamlSequenceNode)
        {
            foreach (var item in map.StringList("system") ?? [])
            {
                var eq = item.Value.IndexOf('=');
                var name = eq < 0 ? item.Value : item.Value[..eq];
                if (eq < 0 || !VirtualPackageNames.Known.Contains(name))
                {
                    bag.Error(item.Location, DiagnosticCode.InvalidVirtualPackage, eq < 0
                        ? $"'{Conda.Parsing.Printable.Of(item.Value)}' is not name=version or name=version=build (as conda info prints it, e.g. __cuda=12.4=0)"
                        : $"'{Conda.Parsing.Printable.Of(name)}' is not a virtual package Beacon knows (known: {string.Join(", ", VirtualPackageNames.Known)}){Suggestions.DidYouMean(name, VirtualPackageNames.Known)}");
                    continue;
                }
                Add(name, item.Value[(eq + 1)..], item.Location);
            }
            return result;
        }
        var system = map.Mapping("system");
        if (system is null)
        {
            return result;
        }
        foreach (var (key, keyNode, value) in system.Entries())
        {
            if (value is not YamlScalarNode scalar || Nodes.IsNull(value))
            {
                bag.Error(Nodes.At(map.File, value), DiagnosticCode.WrongType, $"'system.{key}' must be a version such as \"12.4\", found {Nodes.Describe(value)}");
                continue;
            }
            if (!VirtualPackageNames.Known.Contains(key))
            {
                bag.Error(Nodes.At(map.File, keyNode), DiagnosticCode.InvalidVirtualPackage,
                    VirtualPackageNames.Check(key, scalar.Value ?? "") + Suggestions.DidYouMean(key, VirtualPackageNames.Known));
                continue;
            }
            Add(key, scalar.Value ?? "", Nodes.At(map.File, value));
        }
        return result;

        void Add(string name, string value, SourceLocation at)
        {
            if (VirtualPackageNames.Check(name, value) is { } problem)
            {
                bag.Error(at, DiagnosticCode.InvalidVirtualPackage, problem);
            }
            else if (result.ContainsKey(name))
            {
                bag.Error(at, DiagnosticCode.InvalidVirtualPackage, $"{name} is given twice in 'system'");
            }
            else
            {
                Conda.VirtualPackages.VirtualPackage.TryParseValue(name, value, out var package, out _);
                result[name] = package.CanonicalValue;
            }
        }
    }
}
