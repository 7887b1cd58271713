using Beacon.Layers.Diagnostics;
using Beacon.Layers.Documents;
using Beacon.Layers.Validation;
using Beacon.Layers.Yaml;
using YamlDotNet.RepresentationModel;

namespace Beacon.Layers.Loading;

/// <summary>
/// Reads a workload file: either one workload, or a group file (<c>group:</c> + <c>workloads:</c> list) whose
/// workloads share one Compose project / namespace.
/// </summary>
public static class WorkloadReader
{
    public static IReadOnlyList<WorkloadDocument> Read(string file, YamlNode root, DiagnosticBag bag)
    {
        var map = MappingReader.For(file, root, bag, "a workload");
        if (map is null)
        {
            return [];
        }
        var stem = Path.GetFileNameWithoutExtension(file);
        if (!map.Has("workloads"))
        {
            var single = ReadOne(map, bag, groupFromFile: null);
            if (single is not null && single.Name != stem)
            {
                bag.Error(single.NameLocation, DiagnosticCode.FileNameMismatch,
                    $"workload '{single.Name}' is in '{file}'; name the file 'workloads/{single.Name}.yaml' or the workload '{stem}'");
            }
            return single is null ? [] : [single];
        }

        var group = map.String("group", required: true);
        if (group is { } g)
        {
            LayerReader.CheckName(g, "group name", bag);
            if (Names.IsDnsLabel(g.Value) && g.Value != stem)
            {
                bag.Error(g.Location, DiagnosticCode.FileNameMismatch, $"group '{g.Value}' is in '{file}'; name the file 'workloads/{g.Value}.yaml'");
            }
        }
        map.String("description");
        var groupOwners = LayerReader.ReadOwners(map, bag);
        var list = map.Raw("workloads", required: true);
        map.ReportUnknownKeys();
        if (list is not YamlSequenceNode seq)
        {
            if (list is not null)
            {
                map.WrongType("workloads", list, "a list of workloads");
            }
            return [];
        }
        var result = new List<WorkloadDocument>();
        foreach (var item in seq.Children)
        {
            var itemMap = MappingReader.For(file, item, bag, "a workload");
            if (itemMap is not null && ReadOne(itemMap, bag, group?.Value) is { } w)
            {
                result.Add(w with { Owners = [.. groupOwners.Union(w.Owners, StringComparer.Ordinal)] });
            }
        }
        return result;
    }

    private static WorkloadDocument? ReadOne(MappingReader map, DiagnosticBag bag, string? groupFromFile)
    {
        var name = map.String("name", required: true);
        if (name is { } n)
        {
            LayerReader.CheckName(n, "workload name", bag);
        }
        var kindText = map.String("kind", required: true);
        var kind = WorkloadKind.Service;
        if (kindText is { } k && !WorkloadKinds.TryParse(k.Value, out kind))
        {
            bag.Error(k.Location, DiagnosticCode.InvalidValue,
                $"kind '{k.Value}' is not one of: {string.Join(", ", WorkloadKinds.Names)}{Suggestions.DidYouMean(k.Value, WorkloadKinds.Names)}");
        }
        var description = map.String("description")?.Value;
        var owners = LayerReader.ReadOwners(map, bag);

        var needsCommand = kindText is not null && kind != WorkloadKind.Kernel;
        var oneString = map.Raw("command") is YamlScalarNode;
        var listed = map.StringList("command", required: needsCommand, allowSingle: true) ?? [];
        var command = new List<string>();
        foreach (var part in listed)
        {
            if (!Names.IsSingleLine(part.Value))
            {
                bag.Error(part.Location, DiagnosticCode.InvalidValue, "a command must not contain newlines or control characters");
            }
            else if (oneString)
            {
                // One string: split the way a shell splits words (README), never run through a shell.
                if (CommandLine.Split(part.Value, out var problem) is { } args)
                {
                    command.AddRange(args);
                }
                else
                {
                    bag.Error(part.Location, DiagnosticCode.InvalidValue, $"command '{Conda.Parsing.Printable.Of(part.Value)}': {problem}");
                }
            }
            else
            {
                command.Add(part.Value);
            }
        }
        if (needsCommand && listed.Count == 0 && map.Has("command"))
        {
            bag.Error(map.KeyLocation("command"), DiagnosticCode.MissingKey, $"a {kind.ToText()} needs a command to run; 'command' is empty");
        }

        var requires = new List<Dependency>();
        var requiresNode = map.Raw("requires");
        if (requiresNode is YamlSequenceNode reqSeq)
        {
            foreach (var item in reqSeq.Children)
            {
                if (item is YamlScalarNode s && !Nodes.IsNull(item))
                {
                    if (LayerReader.ParseSpec(map.File, s, "requirement", bag) is { } dep)
                    {
                        requires.Add(dep);
                    }
                }
                else
                {
                    bag.Error(Nodes.At(map.File, item), DiagnosticCode.WrongType, $"each requirement must be a conda package spec, found {Nodes.Describe(item)}");
                }
            }
        }
        else if (requiresNode is not null)
        {
            map.WrongType("requires", requiresNode, "a list of conda package specs");
        }

        var layer = map.String("layer");
        if (layer is { } l)
        {
            LayerReader.CheckName(l, "layer", bag);
        }
        var hardware = map.String("hardware");
        if (hardware is { } h)
        {
            LayerReader.CheckName(h, "hardware profile", bag);
        }

        var replicas = map.Integer("replicas", min: 0, max: 1000);
        var schedule = map.String("schedule");
        if (kindText is not null && kind == WorkloadKind.CronJob)
        {
            if (schedule is null)
            {
                bag.Error(map.Location, DiagnosticCode.InvalidSchedule, "a cronjob needs 'schedule' (five cron fields such as \"0 6 * * 1-5\")");
            }
            else if (CronSchedule.Check(schedule.Value.Value) is { } problem)
            {
                bag.Error(schedule.Value.Location, DiagnosticCode.InvalidSchedule, $"schedule '{Conda.Parsing.Printable.Of(schedule.Value.Value)}' is not a cron schedule: {Conda.Parsing.Printable.Escaped(problem)}");
            }
        }
        else if (schedule is { } sch && kindText is not null)
        {
            bag.Error(sch.Location, DiagnosticCode.KindMismatch, $"'schedule' applies to cronjobs only; this workload is a {kind.ToText()}");
        }
        if (replicas is { } r && kindText is not null && kind is WorkloadKind.Job or WorkloadKind.CronJob)
        {
            bag.Error(r.Location, DiagnosticCode.KindMismatch, $"'replicas' applies to services and kernels only; this workload is a {kind.ToText()}");
        }

        var ports = ReadPorts(map, bag);
        if (ports.Count > 0 && kindText is not null && kind is WorkloadKind.Job or WorkloadKind.CronJob)
        {
            bag.Error(map.KeyLocation("ports"), DiagnosticCode.KindMismatch, $"'ports' applies to services and kernels only; this workload is a {kind.ToText()}");
        }
        var env = ReadEnv(map, bag);

        var group = map.String("group");
        if (group is { } g)
        {
            LayerReader.CheckName(g, "group name", bag);
            if (groupFromFile is not null && g.Value != groupFromFile)
            {
                bag.Error(g.Location, DiagnosticCode.InvalidValue, $"this workload is listed in group '{groupFromFile}' but says group '{g.Value}'");
            }
        }
        var tests = map.StringList("tests", allowSingle: true) ?? [];
        foreach (var test in tests.Where(t => t.Value.Trim().Length == 0 || !Names.IsSingleLine(t.Value)))
        {
            bag.Error(test.Location, DiagnosticCode.InvalidTestCommand, "a test must be one non-empty command line (no newlines or control characters)");
        }
        var stacks = map.StringList("stacks", allowSingle: true);
        foreach (var s in stacks ?? [])
        {
            LayerReader.CheckName(s, "stack name", bag);
        }
        var stage = LayerReader.ReadStage(map, bag);
        var platform = map.String("platform");
        if (platform is { } pl && !Conda.Specs.Subdirs.IsKnown(pl.Value))
        {
            bag.Error(pl.Location, DiagnosticCode.InvalidValue, $"platform '{pl.Value}' is not a conda subdir{Suggestions.DidYouMean(pl.Value, Conda.Specs.Subdirs.Known)}");
        }

        map.ReportUnknownKeys();
        if (name is null || !Names.IsDnsLabel(name.Value.Value) || kindText is null)
        {
            return null;
        }
        return new WorkloadDocument
        {
            Name = name.Value.Value,
            File = map.File,
            NameLocation = name.Value.Location,
            Kind = kind,
            Description = description,
            Owners = owners,
            Command = command,
            Requires = requires,
            Layer = layer,
            Hardware = hardware,
            Replicas = (int)(replicas?.Value ?? 1),
            Schedule = schedule?.Value,
            Ports = ports,
            Env = env,
            Group = groupFromFile ?? group?.Value,
            Tests = tests.Select(t => t.Value).ToList(),
            Stacks = stacks,
            Platform = platform,
            Stage = stage,
        };
    }

    private static List<int> ReadPorts(MappingReader map, DiagnosticBag bag)
    {
        var ports = new List<int>();
        var node = map.Raw("ports");
        if (node is null)
        {
            return ports;
        }
        if (node is not YamlSequenceNode seq)
        {
            map.WrongType("ports", node, "a list of port numbers");
            return ports;
        }
        foreach (var item in seq.Children)
        {
            if (item is YamlScalarNode s && int.TryParse(s.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535)
            {
                if (ports.Contains(port))
                {
                    bag.Error(Nodes.At(map.File, item), DiagnosticCode.InvalidPort, $"port {port} is listed twice");
                }
                ports.Add(port);
            }
            else
            {
                bag.Error(Nodes.At(map.File, item), DiagnosticCode.InvalidPort, $"'{(item as YamlScalarNode)?.Value ?? Nodes.Describe(item)}' is not a port number between 1 and 65535");
            }
        }
        return ports;
    }

    private static SortedDictionary<string, string> ReadEnv(MappingReader map, DiagnosticBag bag)
    {
        var env = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var envMap = map.Mapping("env");
        if (envMap is null)
        {
            return env;
        }
        foreach (var (key, keyNode, value) in envMap.Entries())
        {
            if (!Names.IsEnvironmentVariableName(key))
            {
                bag.Error(Nodes.At(map.File, keyNode), DiagnosticCode.InvalidEnvironment, $"'{Conda.Parsing.Printable.Of(key)}' is not an environment variable name (letters, digits and '_', not starting with a digit)");
                continue;
            }
            if (value is not YamlScalarNode s)
            {
                bag.Error(Nodes.At(map.File, value), DiagnosticCode.InvalidEnvironment, $"env '{key}' must be text, found {Nodes.Describe(value)}");
                continue;
            }
            var text = Nodes.IsNull(value) ? "" : s.Value ?? "";
            if (!Names.IsSingleLine(text))
            {
                bag.Error(Nodes.At(map.File, value), DiagnosticCode.InvalidEnvironment, $"env '{key}' must be one line without control characters");
                continue;
            }
            env[key] = text;
        }
        return env;
    }
}
