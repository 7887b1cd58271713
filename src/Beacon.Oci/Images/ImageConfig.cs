using System.Text.Json;
using System.Text.Json.Nodes;

namespace Beacon.Oci.Images;

/// <summary>
/// An image config derived from its parent's: one more layer's diff id and history entry, the environment's PATH and
/// CONDA_PREFIX, the non-root user, Beacon's labels. Every other field of the parent is kept as it was, and the
/// creation time is fixed, so the same parent and layer give the same bytes.
/// </summary>
public static class ImageConfig
{
    public const string User = "10001";
    public const string Created = "1970-01-01T00:00:00Z";

    /// <summary>The config's os/architecture[/variant], or null when it does not say (or is not JSON).</summary>
    public static string? Platform(byte[] config)
    {
        try
        {
            var root = JsonNode.Parse(config, documentOptions: new JsonDocumentOptions { MaxDepth = 32 }) as JsonObject;
            return root?["os"]?.GetValue<string>() is { } os && root["architecture"]?.GetValue<string>() is { } arch
                ? root["variant"]?.GetValue<string>() is { } variant ? $"{os}/{arch}/{variant}" : $"{os}/{arch}"
                : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    public static byte[] Derive(byte[] parentConfig, string diffId, string prefix, IReadOnlyDictionary<string, string> labels, string createdBy)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(parentConfig, documentOptions: new JsonDocumentOptions { MaxDepth = 32 })?.AsObject()
                ?? throw new FormatException("the parent image's config is empty");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new FormatException($"the parent image's config is not JSON: {e.Message}");
        }
        root["architecture"] ??= "amd64";
        root["os"] ??= "linux";
        root["created"] = Created;
        var config = root["config"] as JsonObject ?? new JsonObject();
        root["config"] = config;
        var env = (config["Env"] as JsonArray)?.Select(e => e?.GetValue<string>() ?? "").ToList() ?? [];
        var path = env.FirstOrDefault(e => e.StartsWith("PATH=", StringComparison.Ordinal))?[5..] ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        var bin = $"{prefix}/bin";
        if (!path.Split(':').Contains(bin))
        {
            path = bin + ":" + path;
        }
        env = [.. env.Where(e => !e.StartsWith("PATH=", StringComparison.Ordinal) && !e.StartsWith("CONDA_PREFIX=", StringComparison.Ordinal)),
            $"PATH={path}", $"CONDA_PREFIX={prefix}"];
        config["Env"] = new JsonArray(env.Select(e => (JsonNode)JsonValue.Create(e)!).ToArray());
        config["User"] = User;
        var labelNode = config["Labels"] as JsonObject ?? new JsonObject();
        foreach (var (k, v) in labels.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            labelNode[k] = v;
        }
        config["Labels"] = labelNode;
        var rootfs = root["rootfs"] as JsonObject ?? new JsonObject { ["type"] = "layers" };
        root["rootfs"] = rootfs;
        var diffIds = rootfs["diff_ids"] as JsonArray ?? new JsonArray();
        rootfs["diff_ids"] = diffIds;
        diffIds.Add((JsonNode)JsonValue.Create(diffId));
        var history = root["history"] as JsonArray ?? new JsonArray();
        root["history"] = history;
        history.Add((JsonNode)new JsonObject { ["created"] = Created, ["created_by"] = createdBy });
        return JsonSerializer.SerializeToUtf8Bytes(root, ConfigJson.Default.JsonObject);
    }

    /// <summary>The diff ids of a config (to check a parent's layers).</summary>
    public static IReadOnlyList<string> DiffIds(byte[] config)
    {
        var root = JsonNode.Parse(config)?.AsObject();
        return (root?["rootfs"]?["diff_ids"] as JsonArray)?.Select(d => d!.GetValue<string>()).ToList() ?? [];
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(JsonObject))]
internal sealed partial class ConfigJson : System.Text.Json.Serialization.JsonSerializerContext;
