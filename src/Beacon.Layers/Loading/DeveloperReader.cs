using Beacon.Layers.Diagnostics;
using Beacon.Layers.Documents;
using Beacon.Layers.Validation;
using Beacon.Layers.Yaml;

namespace Beacon.Layers.Loading;

/// <summary>Reads <c>developers/&lt;name&gt;.yaml</c> (references are checked by <see cref="ReferenceValidator"/>).</summary>
public static class DeveloperReader
{
    public static DeveloperDocument? Read(string file, YamlDotNet.RepresentationModel.YamlNode root, DiagnosticBag bag)
    {
        var map = MappingReader.For(file, root, bag, "a developer");
        if (map is null)
        {
            return null;
        }
        var name = map.String("name", required: true);
        if (name is { } n)
        {
            LayerReader.CheckName(n, "developer name", bag);
            var stem = Path.GetFileNameWithoutExtension(file);
            if (Names.IsDnsLabel(n.Value) && n.Value != stem)
            {
                bag.Error(n.Location, DiagnosticCode.FileNameMismatch, $"developer '{n.Value}' is in '{file}'; name the file 'developers/{n.Value}.yaml' or the developer '{stem}'");
            }
        }
        map.String("description");
        var owners = LayerReader.ReadOwners(map, bag);
        var layer = map.String("layer", required: true);
        if (layer is { } l)
        {
            LayerReader.CheckName(l, "layer", bag);
        }
        var hardware = map.String("hardware");
        if (hardware is { } h)
        {
            LayerReader.CheckName(h, "hardware profile", bag);
        }
        HardwareProfile? resources = null;
        SourceLocation? resourcesLocation = null;
        if (map.Mapping("resources") is { } r)
        {
            resourcesLocation = r.Location;
            resources = HardwareReader.ReadProfile(name?.Value ?? "developer", r, bag);
            if (hardware is not null)
            {
                bag.Error(map.KeyLocation("resources"), DiagnosticCode.InvalidValue, "give 'hardware' (a profile) or 'resources' (your own CPUs, memory, GPU), not both");
            }
        }
        var exploratory = map.StringList("exploratory", allowSingle: true) ?? [];
        foreach (var e in exploratory)
        {
            LayerReader.CheckName(e, "hardware profile", bag);
        }
        var storage = map.String("storage");
        if (storage is { } st && !ByteQuantity.TryParse(st.Value, out _, out var storageError))
        {
            bag.Error(st.Location, DiagnosticCode.InvalidValue, $"storage '{st.Value}' {storageError} (a quantity such as 10Gi)");
        }
        var port = map.Integer("port", min: 1024, max: 65535);
        var stacks = map.StringList("stacks", allowSingle: true);
        foreach (var s in stacks ?? [])
        {
            LayerReader.CheckName(s, "stack", bag);
        }
        map.ReportUnknownKeys();
        if (name is null || layer is null || !Names.IsDnsLabel(name.Value.Value))
        {
            return null;
        }
        return new DeveloperDocument
        {
            Name = name.Value.Value,
            File = file,
            NameLocation = name.Value.Location,
            Layer = layer.Value,
            Hardware = hardware,
            Resources = resources,
            ResourcesLocation = resourcesLocation,
            Exploratory = exploratory,
            Storage = storage?.Value ?? DeveloperDocument.DefaultStorage,
            Port = port is { } p ? (int)p.Value : DeveloperDocument.DefaultPort,
            Owners = owners,
            Stacks = stacks,
        };
    }
}
