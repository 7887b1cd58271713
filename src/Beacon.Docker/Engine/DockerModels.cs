using System.Text.Json.Serialization;

namespace Beacon.Docker.Engine;

// The parts of the Docker Engine API (v1.41, the version Docker 20.10 speaks; later engines accept it) that Beacon
// reads and writes. Property names are the API's own; everything else in its documents is ignored.

/// <summary>GET /images/{name}/json.</summary>
public sealed record ImageInspect(
    [property: JsonPropertyName("Id")] string Id,
    [property: JsonPropertyName("RepoDigests")] IReadOnlyList<string>? RepoDigests,
    [property: JsonPropertyName("RootFS")] ImageRootFs? RootFs,
    [property: JsonPropertyName("Config")] ImageConfig? Config)
{
    public IReadOnlyList<string> Layers => RootFs?.Layers ?? [];
}

public sealed record ImageRootFs([property: JsonPropertyName("Layers")] IReadOnlyList<string>? Layers);

public sealed record ImageConfig([property: JsonPropertyName("Labels")] IReadOnlyDictionary<string, string>? Labels);

/// <summary>One entry of GET /images/{name}/history (newest first).</summary>
public sealed record ImageHistoryItem(
    [property: JsonPropertyName("Id")] string? Id,
    [property: JsonPropertyName("Size")] long Size,
    [property: JsonPropertyName("CreatedBy")] string? CreatedBy);

/// <summary>One line of the progress streams of build, pull and push.</summary>
public sealed record ProgressMessage(
    [property: JsonPropertyName("stream")] string? Stream,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("errorDetail")] ProgressError? ErrorDetail,
    [property: JsonPropertyName("aux")] ProgressAux? Aux)
{
    /// <summary>The layer a push or pull line is about (its short id).</summary>
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    /// <summary>Bytes moved so far of the layer's total, on "Pushing"/"Downloading" lines.</summary>
    [JsonPropertyName("progressDetail")]
    public ProgressDetail? Detail { get; init; }
}

public sealed record ProgressDetail([property: JsonPropertyName("current")] long? Current, [property: JsonPropertyName("total")] long? Total);

public sealed record ProgressError([property: JsonPropertyName("message")] string? Message);

/// <summary>Push reports the pushed manifest's digest here; build reports the image id.</summary>
public sealed record ProgressAux(
    [property: JsonPropertyName("Tag")] string? Tag,
    [property: JsonPropertyName("Digest")] string? Digest,
    [property: JsonPropertyName("ID")] string? Id);

/// <summary>POST /containers/create (the fields Beacon sets).</summary>
public sealed record ContainerCreate(
    [property: JsonPropertyName("Image")] string Image,
    [property: JsonPropertyName("Cmd")] IReadOnlyList<string>? Cmd,
    [property: JsonPropertyName("Entrypoint")] IReadOnlyList<string>? Entrypoint = null,
    [property: JsonPropertyName("Env")] IReadOnlyList<string>? Env = null,
    [property: JsonPropertyName("Labels")] IReadOnlyDictionary<string, string>? Labels = null,
    [property: JsonPropertyName("User")] string? User = null,
    [property: JsonPropertyName("HostConfig")] HostConfig? HostConfig = null,
    [property: JsonPropertyName("ExposedPorts")] IReadOnlyDictionary<string, EmptyObject>? ExposedPorts = null,
    [property: JsonPropertyName("WorkingDir")] string? WorkingDir = null);

/// <summary>The engine's "{}" values (ExposedPorts' entries).</summary>
public sealed record EmptyObject;

public sealed record HostConfig(
    [property: JsonPropertyName("Binds")] IReadOnlyList<string>? Binds = null,
    [property: JsonPropertyName("PortBindings")] IReadOnlyDictionary<string, IReadOnlyList<PortBinding>>? PortBindings = null,
    [property: JsonPropertyName("NetworkMode")] string? NetworkMode = null,
    [property: JsonPropertyName("AutoRemove")] bool? AutoRemove = null,
    [property: JsonPropertyName("CpuPeriod")] long? CpuPeriod = null,
    [property: JsonPropertyName("CpuQuota")] long? CpuQuota = null,
    [property: JsonPropertyName("Memory")] long? Memory = null,
    [property: JsonPropertyName("DeviceRequests")] IReadOnlyList<DeviceRequest>? DeviceRequests = null,
    [property: JsonPropertyName("Tmpfs")] IReadOnlyDictionary<string, string>? Tmpfs = null);

/// <summary>GPUs for a container (what <c>docker run --gpus</c> asks for).</summary>
public sealed record DeviceRequest(
    [property: JsonPropertyName("Driver")] string Driver,
    [property: JsonPropertyName("Count")] int Count,
    [property: JsonPropertyName("Capabilities")] IReadOnlyList<IReadOnlyList<string>> Capabilities);

public sealed record PortBinding(
    [property: JsonPropertyName("HostIp")] string HostIp,
    [property: JsonPropertyName("HostPort")] string HostPort);

public sealed record ContainerCreated([property: JsonPropertyName("Id")] string Id);

public sealed record ContainerSummary(
    [property: JsonPropertyName("Id")] string Id,
    [property: JsonPropertyName("State")] string? State,
    [property: JsonPropertyName("Labels")] IReadOnlyDictionary<string, string>? Labels = null);

public sealed record ContainerWaited([property: JsonPropertyName("StatusCode")] long StatusCode);

/// <summary>The engine's error body: {"message": "..."}.</summary>
public sealed record EngineError([property: JsonPropertyName("message")] string? Message);

/// <summary>X-Registry-Auth: the credentials a pull or push presents to the registry (empty for anonymous).</summary>
public sealed record RegistryAuth(
    [property: JsonPropertyName("username")] string? Username = null,
    [property: JsonPropertyName("password")] string? Password = null,
    [property: JsonPropertyName("identitytoken")] string? IdentityToken = null,
    [property: JsonPropertyName("serveraddress")] string? ServerAddress = null);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ImageInspect))]
[JsonSerializable(typeof(List<ImageHistoryItem>))]
[JsonSerializable(typeof(ProgressMessage))]
[JsonSerializable(typeof(ContainerCreate))]
[JsonSerializable(typeof(ContainerCreated))]
[JsonSerializable(typeof(List<ContainerSummary>))]
[JsonSerializable(typeof(Dictionary<string, string[]>))]
[JsonSerializable(typeof(ContainerWaited))]
[JsonSerializable(typeof(EngineError))]
[JsonSerializable(typeof(RegistryAuth))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class DockerJson : JsonSerializerContext;
