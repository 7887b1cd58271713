using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using Beacon.TestSupport;
using YamlDotNet.RepresentationModel;

namespace Beacon.Pulumi.Tests.Schemas;

/// <summary>
/// Checks a Pulumi YAML program against the providers' package schemas in tests/fixtures/pulumi-schemas, the way
/// `pulumi preview` would reject it: Pulumi YAML's top-level and resource keys, resource options, every type token,
/// every property (an input of that resource or type), required inputs, scalar types, enum values, invoke tokens
/// and arguments, and every ${...} reference pointing at a declared resource, variable or config key.
/// </summary>
internal sealed partial class PulumiSchemaValidator
{
    private static readonly string[] TopLevelKeys = ["name", "runtime", "description", "config", "configuration", "variables", "resources", "outputs"];
    private static readonly string[] ResourceKeys = ["type", "properties", "options", "get", "defaultProvider"];
    private static readonly string[] OptionKeys =
    [
        "additionalSecretOutputs", "aliases", "customTimeouts", "deleteBeforeReplace", "dependsOn", "ignoreChanges", "import",
        "parent", "protect", "provider", "providers", "replaceOnChanges", "retainOnDelete", "version", "pluginDownloadURL",
        "deletedWith",
    ];
    private static readonly string[] Functions = ["fn::invoke", "fn::toJSON", "fn::secret", "fn::join", "fn::select", "fn::toBase64", "fn::readFile", "fn::fileAsset", "fn::stringAsset"];

    private readonly Dictionary<string, JsonElement> _packages = new(StringComparer.Ordinal);
    private readonly List<string> _errors = [];
    private HashSet<string> _declared = [];

    public PulumiSchemaValidator()
    {
        foreach (var (_, bytes) in Fixtures.Files(".json", "pulumi-schemas"))
        {
            using var doc = JsonDocument.Parse(bytes);
            var root = doc.RootElement.Clone();
            _packages[root.GetProperty("name").GetString()!] = root;
        }
    }

    public IReadOnlyList<string> Validate(string programYaml)
    {
        _errors.Clear();
        var stream = new YamlStream();
        stream.Load(new StringReader(programYaml));
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return ["the program is not one YAML mapping"];
        }
        foreach (var key in Keys(root).Where(k => !TopLevelKeys.Contains(k)))
        {
            Error("", $"unknown top-level key '{key}'");
        }
        if (Get(root, "name") is not YamlScalarNode || Get(root, "runtime") is not YamlScalarNode { Value: "yaml" })
        {
            Error("", "name and runtime: yaml are required");
        }
        var resources = Get(root, "resources") as YamlMappingNode ?? new YamlMappingNode();
        var variables = Get(root, "variables") as YamlMappingNode ?? new YamlMappingNode();
        var config = Get(root, "config") as YamlMappingNode ?? new YamlMappingNode();
        _declared = Keys(resources).Concat(Keys(variables)).Concat(Keys(config)).ToHashSet(StringComparer.Ordinal);

        foreach (var (name, value) in config.Children.Select(kv => (((YamlScalarNode)kv.Key).Value!, kv.Value)))
        {
            if (value is not YamlMappingNode c || Get(c, "type") is not YamlScalarNode { Value: "string" or "integer" or "boolean" or "List<String>" or "List<Integer>" })
            {
                Error($"config.{name}", "needs a type (string, integer, boolean, List<String>)");
            }
        }
        foreach (var (name, value) in variables.Children.Select(kv => (((YamlScalarNode)kv.Key).Value!, kv.Value)))
        {
            CheckExpression($"variables.{name}", value);
        }
        foreach (var (name, node) in resources.Children.Select(kv => (((YamlScalarNode)kv.Key).Value!, kv.Value)))
        {
            CheckResource(name, node as YamlMappingNode, resources);
        }
        if (Get(root, "outputs") is YamlMappingNode outputs)
        {
            foreach (var (name, value) in outputs.Children.Select(kv => (((YamlScalarNode)kv.Key).Value!, kv.Value)))
            {
                CheckExpression($"outputs.{name}", value);
            }
        }
        return _errors.ToList();
    }

    private void CheckResource(string name, YamlMappingNode? resource, YamlMappingNode resources)
    {
        var path = $"resources.{name}";
        if (resource is null)
        {
            Error(path, "must be a mapping");
            return;
        }
        foreach (var key in Keys(resource).Where(k => !ResourceKeys.Contains(k)))
        {
            Error(path, $"unknown key '{key}'");
        }
        var type = (Get(resource, "type") as YamlScalarNode)?.Value ?? "";
        var (package, spec) = ResolveResource(type);
        if (spec is null)
        {
            Error(path, $"type '{type}' is not a resource of any provider schema");
            return;
        }
        var properties = Get(resource, "properties") as YamlMappingNode ?? new YamlMappingNode();
        var inputs = spec.Value.TryGetProperty("inputProperties", out var ip) ? ip : default;
        foreach (var (key, value) in properties.Children.Select(kv => (((YamlScalarNode)kv.Key).Value!, kv.Value)))
        {
            if (inputs.ValueKind != JsonValueKind.Object || !inputs.TryGetProperty(key, out var propertySpec))
            {
                Error($"{path}.properties", $"'{key}' is not an input of {type}");
                continue;
            }
            CheckValue($"{path}.properties.{key}", value, propertySpec, package);
        }
        if (spec.Value.TryGetProperty("requiredInputs", out var required))
        {
            foreach (var r in required.EnumerateArray().Select(e => e.GetString()!))
            {
                if (Get(properties, r) is null)
                {
                    Error(path, $"required input '{r}' of {type} is missing");
                }
            }
        }
        if (Get(resource, "options") is YamlMappingNode options)
        {
            foreach (var key in Keys(options).Where(k => !OptionKeys.Contains(k)))
            {
                Error($"{path}.options", $"unknown resource option '{key}'");
            }
            if (Get(options, "provider") is YamlScalarNode providerRef)
            {
                var target = Reference(providerRef.Value);
                var providerType = target is null ? null : (Get(resources, target) as YamlMappingNode) is { } pr ? (Get(pr, "type") as YamlScalarNode)?.Value : null;
                if (providerType is null || !providerType.StartsWith("pulumi:providers:", StringComparison.Ordinal))
                {
                    Error($"{path}.options.provider", $"'{providerRef.Value}' is not a declared provider resource");
                }
                else if (providerType != $"pulumi:providers:{package}")
                {
                    Error($"{path}.options.provider", $"a {package} resource uses a {providerType} provider");
                }
            }
            if (Get(options, "dependsOn") is YamlSequenceNode dependsOn)
            {
                foreach (var d in dependsOn.Children.OfType<YamlScalarNode>())
                {
                    if (Reference(d.Value) is not { } r || Get(resources, r) is null)
                    {
                        Error($"{path}.options.dependsOn", $"'{d.Value}' is not a declared resource");
                    }
                }
            }
            if (type.StartsWith("pulumi:providers:", StringComparison.Ordinal) && Get(options, "version") is not YamlScalarNode)
            {
                Error($"{path}.options", "a provider must pin its plugin version");
            }
        }
        else if (type.StartsWith("pulumi:providers:", StringComparison.Ordinal))
        {
            Error(path, "a provider must pin its plugin version (options.version)");
        }
    }

    private (string Package, JsonElement? Spec) ResolveResource(string type)
    {
        if (type.StartsWith("pulumi:providers:", StringComparison.Ordinal))
        {
            var package = type["pulumi:providers:".Length..];
            if (!_packages.TryGetValue(package, out var schema))
            {
                return (package, null);
            }
            // A package without a "provider" section has a provider that takes no inputs.
            return schema.TryGetProperty("provider", out var provider) ? (package, provider) : (package, JsonDocument.Parse("{}").RootElement);
        }
        var pkg = type.Split(':')[0];
        return _packages.TryGetValue(pkg, out var s) && s.TryGetProperty("resources", out var resources) && resources.TryGetProperty(type, out var spec)
            ? (pkg, spec)
            : (pkg, null);
    }

    /// <summary>Checks a value against a property spec of <paramref name="package"/>.</summary>
    private void CheckValue(string path, YamlNode value, JsonElement spec, string package)
    {
        if (IsExpression(value))
        {
            CheckExpression(path, value);
            return;
        }
        if (spec.TryGetProperty("oneOf", out var oneOf))
        {
            var saved = _errors.Count;
            foreach (var option in oneOf.EnumerateArray())
            {
                var before = _errors.Count;
                CheckValue(path, value, option, package);
                if (_errors.Count == before)
                {
                    _errors.RemoveRange(saved, _errors.Count - saved);
                    return;
                }
            }
            var failures = _errors.Skip(saved).ToList();
            _errors.RemoveRange(saved, _errors.Count - saved);
            Error(path, $"matches none of its union types ({failures.FirstOrDefault()})");
            return;
        }
        if (spec.TryGetProperty("$ref", out var reference))
        {
            var r = reference.GetString()!;
            if (r.StartsWith("pulumi.json#/", StringComparison.Ordinal))
            {
                return; // Any, Json, Archive, Asset
            }
            var token = r["#/types/".Length..];
            if (!_packages[package].GetProperty("types").TryGetProperty(token, out var typeSpec))
            {
                // A dangling reference inside a string union (aws AltTypes, see PROVENANCE.md): a string.
                CheckScalar(path, value, "string");
                return;
            }
            CheckValue(path, value, typeSpec, package);
            return;
        }
        if (spec.TryGetProperty("enum", out var enumValues))
        {
            var allowed = enumValues.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Object ? e.GetProperty("value").ToString() : e.ToString()).ToList();
            if (value is not YamlScalarNode s || !allowed.Contains(s.Value!))
            {
                Error(path, $"'{(value as YamlScalarNode)?.Value}' is not one of {string.Join(", ", allowed)}");
            }
            return;
        }
        var type = spec.TryGetProperty("type", out var t) ? t.GetString() : spec.TryGetProperty("properties", out _) ? "object" : null;
        switch (type)
        {
            case "array":
                if (value is not YamlSequenceNode seq)
                {
                    Error(path, "must be a list");
                    return;
                }
                var items = spec.GetProperty("items");
                for (var i = 0; i < seq.Children.Count; i++)
                {
                    CheckValue($"{path}[{i}]", seq.Children[i], items, package);
                }
                return;
            case "object":
                if (value is not YamlMappingNode map)
                {
                    Error(path, "must be a mapping");
                    return;
                }
                if (spec.TryGetProperty("properties", out var props))
                {
                    foreach (var (key, v) in map.Children.Select(kv => (((YamlScalarNode)kv.Key).Value!, kv.Value)))
                    {
                        if (!props.TryGetProperty(key, out var ps))
                        {
                            Error(path, $"'{key}' is not a property of this type");
                            continue;
                        }
                        CheckValue($"{path}.{key}", v, ps, package);
                    }
                    if (spec.TryGetProperty("required", out var req))
                    {
                        foreach (var r in req.EnumerateArray().Select(e => e.GetString()!).Where(r => Get(map, r) is null))
                        {
                            Error(path, $"required property '{r}' is missing");
                        }
                    }
                }
                else if (spec.TryGetProperty("additionalProperties", out var additional))
                {
                    foreach (var (key, v) in map.Children.Select(kv => (((YamlScalarNode)kv.Key).Value!, kv.Value)))
                    {
                        CheckValue($"{path}.{key}", v, additional, package);
                    }
                }
                return;
            case "string" or "integer" or "number" or "boolean":
                CheckScalar(path, value, type);
                return;
            default:
                return;
        }
    }

    private void CheckScalar(string path, YamlNode value, string type)
    {
        if (value is not YamlScalarNode s)
        {
            Error(path, $"must be a {type}, not a {(value is YamlSequenceNode ? "list" : "mapping")}");
            return;
        }
        var plain = s.Style is ScalarStyle.Plain or ScalarStyle.Any;
        var ok = type switch
        {
            "integer" => plain && long.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
            "number" => plain && double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
            "boolean" => plain && s.Value is "true" or "false",
            // A plain scalar YAML reads as a number or boolean is not a string.
            _ => !plain || !(double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) || s.Value is "true" or "false" or "null"),
        };
        if (!ok)
        {
            Error(path, $"'{s.Value}' is not a {type}");
        }
    }

    private static bool IsExpression(YamlNode value) =>
        (value is YamlScalarNode s && s.Value is { } v && InterpolationOnly().IsMatch(v))
        || (value is YamlMappingNode m && m.Children.Count == 1 && ((YamlScalarNode)m.Children.Keys.First()).Value!.StartsWith("fn::", StringComparison.Ordinal));

    /// <summary>Checks references inside any value, and function calls (invoke tokens and arguments).</summary>
    private void CheckExpression(string path, YamlNode node)
    {
        switch (node)
        {
            case YamlScalarNode s when s.Value is { } text:
                // "$$" is a literal '$' (read left to right, as pulumi-yaml does): only what remains can interpolate.
                foreach (Match m in InterpolationRegex().Matches(text.Replace("$$", "\u0001\u0001", StringComparison.Ordinal)))
                {
                    var root = m.Groups[1].Value;
                    if (!_declared.Contains(root))
                    {
                        Error(path, $"'${{{m.Groups[1].Value}{m.Groups[2].Value}}}' refers to '{root}', which is not declared");
                    }
                }
                break;
            case YamlSequenceNode seq:
                foreach (var child in seq.Children)
                {
                    CheckExpression(path, child);
                }
                break;
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children.Select(kv => (((YamlScalarNode)kv.Key).Value!, kv.Value)))
                {
                    if (key.StartsWith("fn::", StringComparison.Ordinal))
                    {
                        if (map.Children.Count != 1 || !Functions.Contains(key))
                        {
                            Error(path, $"'{key}' is not a Pulumi YAML function, or not alone in its mapping");
                        }
                        if (key == "fn::invoke")
                        {
                            CheckInvoke(path, value);
                            continue;
                        }
                    }
                    CheckExpression($"{path}.{key}", value);
                }
                break;
        }
    }

    private void CheckInvoke(string path, YamlNode value)
    {
        if (value is not YamlMappingNode invoke || Get(invoke, "function") is not YamlScalarNode { Value: { } token })
        {
            Error(path, "fn::invoke needs a function");
            return;
        }
        foreach (var key in Keys(invoke).Where(k => k is not ("function" or "arguments" or "options" or "return")))
        {
            Error(path, $"unknown fn::invoke key '{key}'");
        }
        var package = token.Split(':')[0];
        if (!_packages.TryGetValue(package, out var schema) || !schema.TryGetProperty("functions", out var functions) || !functions.TryGetProperty(token, out var function))
        {
            Error(path, $"'{token}' is not a function of any provider schema");
            return;
        }
        if (Get(invoke, "arguments") is YamlMappingNode args)
        {
            var inputs = function.GetProperty("inputs");
            CheckValue($"{path}.arguments", args, inputs, package);
        }
        if (Get(invoke, "options") is YamlMappingNode options)
        {
            CheckExpression($"{path}.options", options);
        }
    }

    private static string? Reference(string? text) =>
        text is not null && InterpolationOnly().Match(text) is { Success: true } m ? InterpolationRegex().Match(text).Groups[1].Value : null;

    private static IEnumerable<string> Keys(YamlMappingNode map) => map.Children.Keys.Select(k => ((YamlScalarNode)k).Value!);

    private static YamlNode? Get(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    private void Error(string path, string message) => _errors.Add(path.Length == 0 ? message : $"{path}: {message}");

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_-]*)((?:\.[A-Za-z0-9_-]+|\[\d+\])*)\}")]
    private static partial Regex InterpolationRegex();

    [GeneratedRegex(@"^\$\{[^}]+\}$")]
    private static partial Regex InterpolationOnly();
}
