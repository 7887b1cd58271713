using System.Globalization;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Documents;
using Beacon.Layers.Validation;
using Beacon.Layers.Yaml;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Beacon.Layers.Loading;

/// <summary>Reads a mapping of hardware profiles: <c>name: {cpus: 8, memory: 32Gi, gpu: {count: 1, kind: nvidia-a100}}</c>.</summary>
public static class HardwareReader
{
    public static SortedDictionary<string, HardwareProfile> ReadProfiles(MappingReader? map, DiagnosticBag bag)
    {
        var result = new SortedDictionary<string, HardwareProfile>(StringComparer.Ordinal);
        if (map is null)
        {
            return result;
        }
        foreach (var (name, profile) in map.NamedMappings("hardware profile"))
        {
            if (ReadProfile(name, profile, bag) is { } read)
            {
                result[name] = read;
            }
        }
        return result;
    }

    /// <summary>One profile's mapping (<c>{cpus, memory, gpu}</c>), named <paramref name="name"/>; null when it has errors.</summary>
    public static HardwareProfile? ReadProfile(string name, MappingReader profile, DiagnosticBag bag)
    {
        var cpus = ReadCpus(profile, bag);
        var memory = profile.String("memory", required: true);
        if (memory is { } m && !ByteQuantity.TryParse(m.Value, out _, out var memoryError))
        {
            bag.Error(m.Location, DiagnosticCode.InvalidHardwareProfile, $"memory '{m.Value}' {memoryError} (a quantity such as 16Gi or 512Mi)");
        }
        GpuSpec? gpu = null;
        if (profile.Mapping("gpu") is { } g)
        {
            // A profile without GPUs has no gpu block: a count of 0 would make "has a GPU" mean two things.
            var count = g.Integer("count", required: true, min: 1, max: 16);
            var kind = g.String("kind", required: true);
            if (kind is { } k && !Names.IsDnsLabel(k.Value))
            {
                bag.Error(k.Location, DiagnosticCode.InvalidHardwareProfile, $"gpu kind '{k.Value}' is not valid: use {Names.DnsLabelRule}");
            }
            g.ReportUnknownKeys();
            if (count is not null && kind is not null)
            {
                gpu = new GpuSpec((int)count.Value.Value, kind.Value.Value);
            }
        }
        profile.ReportUnknownKeys();
        return cpus is not null && memory is not null ? new HardwareProfile(name, cpus.Value, memory.Value.Value, gpu) : null;
    }

    private static double? ReadCpus(MappingReader profile, DiagnosticBag bag)
    {
        var node = profile.Raw("cpus", required: true);
        if (node is null)
        {
            return null;
        }
        if (node is YamlScalarNode { Style: ScalarStyle.Plain } s
            && double.TryParse(s.Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var cpus) && cpus is > 0 and <= 1024)
        {
            return cpus;
        }
        var found = node is YamlScalarNode scalar && !Nodes.IsNull(node) ? $"'{Conda.Parsing.Printable.Of(scalar.Value ?? "")}'" : Nodes.Describe(node);
        bag.Error(Nodes.At(profile.File, node), DiagnosticCode.InvalidHardwareProfile, $"cpus must be a positive number up to 1024 such as 2 or 0.5, found {found}");
        return null;
    }
}
