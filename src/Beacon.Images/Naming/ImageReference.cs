using Beacon.Layers.Validation;

namespace Beacon.Images.Naming;

/// <summary>
/// Where a layer's image lives: <c>registry/repository:tag</c>. Built only from validated parts (a registry address,
/// a DNS-label layer name, a tag of [A-Za-z0-9_.-]), so it is safe in a Dockerfile FROM line, a shell argument and a
/// Kubernetes manifest.
/// </summary>
public sealed record ImageReference
{
    private ImageReference(string registry, string repository, string tag)
    {
        Registry = registry;
        Repository = repository;
        Tag = tag;
    }

    /// <summary>e.g. 127.0.0.1:5000 or 123456789012.dkr.ecr.us-east-1.amazonaws.com/acme (no trailing '/').</summary>
    public string Registry { get; }
    public string Repository { get; }
    public string Tag { get; }

    /// <summary>The image of <paramref name="layer"/>; throws on invalid parts (callers validate user input first).</summary>
    public static ImageReference ForLayer(string registry, string layer, string tag)
    {
        var reg = registry.TrimEnd('/');
        if (!Names.IsDnsLabel(layer))
        {
            throw new ArgumentException($"'{layer}' is not a valid layer name", nameof(layer));
        }
        if (tag.Length is 0 or > 128 || !tag.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-') || tag[0] is '.' or '-')
        {
            throw new ArgumentException($"'{tag}' is not a valid image tag", nameof(tag));
        }
        var reference = new ImageReference(reg, layer, tag);
        if (!Names.IsImageReference(reference.ToString()))
        {
            throw new ArgumentException($"'{registry}' is not a valid registry address", nameof(registry));
        }
        return reference;
    }

    /// <summary>The image's name without its tag (<c>registry/repository</c>): what tags, pushes and digests go under.</summary>
    public string Name => Registry.Length == 0 ? Repository : $"{Registry}/{Repository}";

    public override string ToString() => $"{Name}:{Tag}";
}
