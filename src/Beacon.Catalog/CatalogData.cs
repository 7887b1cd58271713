namespace Beacon.Catalog;

/// <summary>
/// Everything the catalog page shows, as the page reads it (<c>catalog-data.js</c>). Layers come in the tree's
/// topological order; the page orders them for routing itself (packages, depth, name), as <c>Router</c> does.
/// </summary>
public sealed record CatalogData(
    int Schema,
    string Organisation,
    string DefaultPlatform,
    IReadOnlyList<string> Platforms,
    string DefaultHardware,
    IReadOnlyList<string> Stages,
    IReadOnlyList<CatalogHardware> Hardware,
    IReadOnlyList<CatalogLayer> Layers,
    IReadOnlyList<CatalogStack> Stacks)
{
    public const int CurrentSchema = 1;
}

/// <summary>A hardware profile as routing sees it: whether it has a GPU (a GPU layer never takes CPU work).</summary>
public sealed record CatalogHardware(string Name, bool Gpu);

/// <summary>
/// One layer: where it sits in the tree, who owns it, the packages it adds and what runs it. Only the packages it adds
/// are listed (its parent's lock does not hold them): the gate has proven that a child's lock holds every package of
/// its parent's, so the layer's environment is these plus its ancestors' — which keeps a 500-layer catalog small.
/// </summary>
public sealed record CatalogLayer(
    string Name,
    string? Parent,
    string Root,
    string Platform,
    int Depth,
    string Stage,
    string? Hardware,
    IReadOnlyList<string> Owners,
    string? Description,
    string File,
    bool Locked,
    IReadOnlyList<CatalogPackage> Packages,
    int PackageCount,
    long? OwnSize,
    long? TotalSize,
    CatalogKernel? Kernel,
    string? KernelLacks,
    CatalogDevContainer DevContainer,
    IReadOnlyList<CatalogImage> Images);

/// <summary>
/// Where <c>beacon devcontainer</c> writes the layer's devcontainer.json, and the command that writes it for the first
/// stack that deploys the layer to a registry it names (null when none does: a dev container pins an image by digest).
/// </summary>
public sealed record CatalogDevContainer(string Path, string? Command);

/// <summary>A locked package the layer adds; size and licence from its channel record.</summary>
public sealed record CatalogPackage(string Name, string Version, string Build, string Channel, string Subdir, long? Size, string? License);

/// <summary>The Jupyter kernel <c>beacon kernels install</c> makes of the layer.</summary>
public sealed record CatalogKernel(string Name, string DisplayName);

/// <summary>The image a stack deploys for the layer (content-addressed tag).</summary>
public sealed record CatalogImage(string Stack, string Reference);

/// <summary>A stack: what it deploys and where each of its workloads runs (the plan's placement).</summary>
public sealed record CatalogStack(
    string Name,
    string Target,
    IReadOnlyList<string> Stages,
    IReadOnlyList<string>? Platforms,
    IReadOnlyList<CatalogHardware> Hardware,
    IReadOnlyList<CatalogWorkload> Workloads,
    IReadOnlyList<string> Problems);

/// <summary>A planned workload: the layer it runs in, on which hardware and node pool, and what it requires.</summary>
public sealed record CatalogWorkload(string Name, string Kind, string Layer, string Hardware, string Pool, int Replicas, IReadOnlyList<string> Requires, bool Pinned);
