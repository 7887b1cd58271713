using Beacon.Images.Rendering;

namespace Beacon.Pulumi.Model;

/// <summary>A Pulumi YAML program: resources, variables and outputs in the order they were added.</summary>
public sealed class PulumiProgram(string description)
{
    private readonly Map _resources = [];
    private readonly Map _variables = [];
    private readonly Map _outputs = [];
    private readonly Map _config = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>Adds a resource; its logical name must be unique (Pulumi YAML identifiers).</summary>
    public string Resource(string name, string type, Map properties, Map? options = null)
    {
        if (!_names.Add(name))
        {
            throw new InvalidOperationException($"duplicate resource name '{name}'");
        }
        var body = new Map().Add("type", type).Add("properties", properties.Count == 0 ? null : properties);
        if (options is { Count: > 0 })
        {
            body.Add("options", options);
        }
        _resources.Add(name, body);
        return name;
    }

    public void Variable(string name, object value)
    {
        if (!_names.Add(name))
        {
            throw new InvalidOperationException($"duplicate variable name '{name}'");
        }
        _variables.Add(name, value);
    }

    public void Output(string name, object value) => _outputs.Add(name, value);

    /// <summary>Declares a stack setting the program reads (stacks/Pulumi.&lt;stack&gt;.yaml: beacon:&lt;name&gt;).</summary>
    public void Config(string name, string type, bool secret = false)
    {
        if (!_names.Add(name))
        {
            throw new InvalidOperationException($"duplicate config name '{name}'");
        }
        _config.Add(name, new Map().Add("type", type).Add("secret", secret ? true : null));
    }

    /// <summary>How many resources the program declares (what `pulumi preview` will list).</summary>
    public int ResourceCount => _resources.Count;

    /// <summary>A reference to a resource, variable or config value: the one kind of <c>${...}</c> the program contains.</summary>
    public static Raw Ref(string name, string? property = null) => new(property is null ? $"${{{name}}}" : $"${{{name}.{property}}}");

    /// <summary>Text made of references and plain parts: the plain parts are escaped, the references kept.</summary>
    public static Raw Join(params object[] parts) =>
        new(string.Concat(parts.Select(p => p is Raw raw ? raw.Text : Escape.Pulumi(Convert.ToString(p, System.Globalization.CultureInfo.InvariantCulture) ?? ""))));

    /// <summary>The program's text: every string is escaped for Pulumi YAML; only <see cref="Ref"/> and <see cref="Join"/> interpolate.</summary>
    public string Render() => Yaml.Write(new Map()
        .Add("name", "beacon")
        .Add("runtime", "yaml")
        .Add("description", description)
        .Add("config", _config.Count == 0 ? null : _config)
        .Add("variables", _variables.Count == 0 ? null : _variables)
        .Add("resources", _resources)
        .Add("outputs", _outputs), Escape.Pulumi);
}
