using System.Text.Json;
using System.Text.Json.Nodes;

namespace Beacon.Docker.Kernels;

/// <summary>A connection file Jupyter wrote could not be used.</summary>
public sealed class ConnectionFileException(string message) : Exception(message);

/// <summary>
/// The connection file Jupyter hands a kernel: tcp ports, the HMAC key, the transport. The kernel runs in a
/// container, so it must listen on all of the container's interfaces on the same ports (published on the host's
/// loopback): the copy given to it says <c>"ip": "0.0.0.0"</c>; everything else is kept as Jupyter wrote it.
/// </summary>
public sealed record ConnectionFile(IReadOnlyList<int> Ports, string ContainerJson)
{
    public static readonly string[] PortKeys = ["shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"];

    public static ConnectionFile Read(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists || info.LinkTarget is not null || info.Length > 64 * 1024)
        {
            throw new ConnectionFileException($"{path} is not a connection file (a regular file of at most 64 KiB)");
        }
        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllBytes(path)) as JsonObject ?? throw new ConnectionFileException($"{path}: not a JSON object");
        }
        catch (JsonException e)
        {
            throw new ConnectionFileException($"{path}: not JSON ({e.Message})");
        }
        if (json["transport"]?.GetValueKind() is JsonValueKind.String && json["transport"]!.GetValue<string>() != "tcp")
        {
            throw new ConnectionFileException($"{path}: transport '{json["transport"]}' cannot cross into a container; Beacon's kernels use tcp");
        }
        var ports = new List<int>();
        foreach (var key in PortKeys)
        {
            if (json[key] is not JsonValue v || v.GetValueKind() != JsonValueKind.Number || !v.TryGetValue<int>(out var port) || port is < 1 or > 65535)
            {
                throw new ConnectionFileException($"{path}: '{key}' is not a tcp port");
            }
            ports.Add(port);
        }
        json["ip"] = "0.0.0.0";
        return new ConnectionFile(ports, json.ToJsonString());
    }
}
