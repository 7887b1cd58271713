using System.Globalization;
using Beacon.Conda.Specs;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Policy;
using Beacon.Layers.Validation;
using Beacon.Layers.Yaml;
using YamlDotNet.RepresentationModel;

namespace Beacon.Layers.Loading;

/// <summary>Reads <c>policy.yaml</c> (<see cref="PolicyDocument"/>).</summary>
public static class PolicyReader
{
    public static PolicyDocument? Read(string file, YamlNode root, DiagnosticBag bag)
    {
        var map = MappingReader.For(file, root, bag, "the policy");
        if (map is null)
        {
            return null;
        }
        IReadOnlyList<Located<string>>? allowed = null;
        IReadOnlyList<Located<string>> denied = [];
        if (map.Mapping("licenses") is { } licences)
        {
            allowed = licences.StringList("allow");
            denied = licences.StringList("deny") ?? [];
            foreach (var pattern in (allowed ?? []).Concat(denied))
            {
                if (!Licences.IsPattern(pattern.Value))
                {
                    bag.Error(pattern.Location, DiagnosticCode.InvalidPolicy,
                        $"'{Conda.Parsing.Printable.Of(pattern.Value)}' is not a licence pattern: an SPDX id such as MIT or BSD-3-Clause, optionally ending in '*' (GPL-*)");
                }
            }
            licences.ReportUnknownKeys();
        }
        var packages = new List<DeniedPackage>();
        foreach (var entry in Items(map, "deny", "a denied package"))
        {
            var spec = Spec(entry, "package", bag);
            var reason = entry.String("reason", required: true);
            entry.ReportUnknownKeys();
            if (spec is { } s && reason is { } r)
            {
                packages.Add(new DeniedPackage(s.Spec, s.Text, r.Value, entry.Location));
            }
        }
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        if (map.Mapping("advisory-names") is { } aliases)
        {
            foreach (var (key, keyNode, value) in aliases.Entries())
            {
                if (value is YamlScalarNode { Value: { } conda } && Osv.IsCondaName(conda) && Osv.IsCondaName(Osv.Normalise(key)))
                {
                    names[Osv.Normalise(key)] = conda;
                }
                else
                {
                    bag.Error(Nodes.At(file, keyNode), DiagnosticCode.InvalidPolicy,
                        $"'advisory-names' maps a PyPI name to a conda package name (torch: pytorch); '{Conda.Parsing.Printable.Of(key)}' does not");
                }
            }
        }
        var exceptions = new List<PolicyException>();
        foreach (var entry in Items(map, "exceptions", "an exception"))
        {
            var rule = entry.String("rule", required: true);
            var spec = Spec(entry, "package", bag);
            var layers = entry.StringList("layers", allowSingle: true) ?? [];
            foreach (var l in layers)
            {
                LayerReader.CheckName(l, "layer", bag);
            }
            var owner = entry.String("owner", required: true);
            var reason = entry.String("reason", required: true);
            var expires = entry.String("expires", required: true);
            DateOnly? date = null;
            if (expires is { } e)
            {
                if (DateOnly.TryParseExact(e.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                {
                    date = d;
                }
                else
                {
                    bag.Error(e.Location, DiagnosticCode.InvalidPolicy, $"expires '{Conda.Parsing.Printable.Of(e.Value)}' is not a date: write it as YYYY-MM-DD (the last day the exception holds)");
                }
            }
            if (rule is { } ru && !IsRule(ru.Value))
            {
                bag.Error(ru.Location, DiagnosticCode.InvalidPolicy,
                    $"rule '{Conda.Parsing.Printable.Of(ru.Value)}' is not 'license', 'package' or an advisory id (GHSA-…, PYSEC-…, CVE-…)");
            }
            entry.ReportUnknownKeys();
            if (rule is { } r2 && IsRule(r2.Value) && spec is { } s && owner is { } o && reason is { } why && date is { } until)
            {
                exceptions.Add(new PolicyException(r2.Value, s.Spec, s.Text, layers.Select(l => l.Value).ToList(), o.Value, why.Value, until, entry.Location));
            }
        }
        map.ReportUnknownKeys();
        return new PolicyDocument
        {
            AllowedLicences = allowed,
            DeniedLicences = denied,
            DeniedPackages = packages,
            AdvisoryNames = names,
            Exceptions = exceptions,
        };
    }

    private static bool IsRule(string rule) =>
        rule is PolicyException.LicenceRule or PolicyException.PackageRule || Osv.IsId(rule);

    private static IEnumerable<MappingReader> Items(MappingReader map, string key, string what)
    {
        if (map.Raw(key) is not { } node)
        {
            yield break;
        }
        if (node is not YamlSequenceNode list)
        {
            map.WrongType(key, node, "a list");
            yield break;
        }
        foreach (var item in list.Children)
        {
            if (MappingReader.For(map.File, item, map.Bag, what) is { } reader)
            {
                yield return reader;
            }
        }
    }

    private static (MatchSpec Spec, string Text)? Spec(MappingReader entry, string key, DiagnosticBag bag)
    {
        if (entry.String(key, required: true) is not { } text)
        {
            return null;
        }
        var parsed = MatchSpec.TryParse(text.Value);
        if (!parsed.Success)
        {
            bag.Error(text.Location, DiagnosticCode.InvalidMatchSpec, MatchSpec.Refusal(text.Value, parsed.Error));
            return null;
        }
        return (parsed.Value, text.Value);
    }
}
