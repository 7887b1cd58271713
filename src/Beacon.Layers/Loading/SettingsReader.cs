using Beacon.Layers.Diagnostics;
using Beacon.Layers.Documents;
using Beacon.Layers.Validation;
using Beacon.Layers.Yaml;
using YamlDotNet.RepresentationModel;

namespace Beacon.Layers.Loading;

/// <summary>Reads <c>beacon.yaml</c>: channel mirrors and organisation-wide hardware profiles.</summary>
public static class SettingsReader
{
    public static RepositorySettings Read(string file, YamlNode root, DiagnosticBag bag)
    {
        var map = MappingReader.For(file, root, bag, "the repository settings");
        if (map is null)
        {
            return RepositorySettings.Empty;
        }
        var mirrors = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (map.Mapping("channels") is { } channels)
        {
            foreach (var (name, keyNode, value) in channels.Entries())
            {
                if (!Names.IsChannel(name) || name.Contains("://", StringComparison.Ordinal))
                {
                    bag.Error(Nodes.At(file, keyNode), DiagnosticCode.InvalidChannel, $"'{name}' is not a channel name such as conda-forge");
                    continue;
                }
                if (value is not YamlScalarNode s || Nodes.IsNull(value) || string.IsNullOrWhiteSpace(s.Value) || !Names.IsSingleLine(s.Value!))
                {
                    bag.Error(Nodes.At(file, value), DiagnosticCode.InvalidChannel, $"channel '{name}' must map to a URL or a folder path, found {Nodes.Describe(value)}");
                    continue;
                }
                mirrors[name] = s.Value!;
            }
        }
        var hardware = HardwareReader.ReadProfiles(map.Mapping("hardware"), bag);
        var limits = DeveloperLimits.None;
        if (map.Mapping("developers") is { } developers)
        {
            var cpus = developers.Raw("cpus") is YamlScalarNode { Value: { } c } cn
                && double.TryParse(c, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var parsed) && parsed > 0
                ? parsed : (double?)null;
            if (developers.Raw("cpus") is { } cpusNode && cpus is null)
            {
                bag.Error(Nodes.At(file, cpusNode), DiagnosticCode.InvalidHardwareProfile, "developers: cpus must be a positive number such as 8 or 0.5");
            }
            var memory = developers.String("memory");
            if (memory is { } m && !ByteQuantity.TryParse(m.Value, out _, out var memoryError))
            {
                bag.Error(m.Location, DiagnosticCode.InvalidHardwareProfile, $"developers: memory '{m.Value}' {memoryError} (a quantity such as 16Gi or 512Mi)");
            }
            var gpus = developers.Integer("gpus", min: 0, max: 16);
            developers.ReportUnknownKeys();
            limits = new DeveloperLimits(cpus, memory is { } mm && ByteQuantity.IsValid(mm.Value) ? mm.Value : null, gpus is { } g ? (int)g.Value : null);
        }
        var organisation = map.String("organisation");
        if (organisation is { } o && !Names.IsDnsLabel(o.Value))
        {
            bag.Error(o.Location, DiagnosticCode.InvalidName, $"organisation '{Conda.Parsing.Printable.Of(o.Value)}' must be {Names.DnsLabelRule}");
            organisation = null;
        }
        map.ReportUnknownKeys();
        return new RepositorySettings { ChannelMirrors = mirrors, Hardware = hardware, DeveloperLimits = limits, Organisation = organisation?.Value };
    }
}
