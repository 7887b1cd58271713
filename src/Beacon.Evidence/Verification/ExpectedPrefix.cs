using System.Security.Cryptography;
using Beacon.Conda.Packages;
using Beacon.Conda.Records;
using Beacon.Layers.Locking;
using Beacon.Oci.Building;

namespace Beacon.Evidence.Verification;

/// <summary>One package the locks put in the environment, and the prefix-relative paths it installs.</summary>
public sealed record ExpectedPackage(PackageRecord Record, string Layer, IReadOnlyList<string> Files);

/// <summary>
/// The environment a layer's image must hold, re-derived rather than recorded: the packages of the layer's lock and
/// its ancestors' locks (root first), each found in its channel and checked against the channel's sha256 before it is
/// read, installed into a scratch folder by the same deterministic installer the oci builder uses
/// (<see cref="PackageInstaller"/>). Every file's expected sha256 and size then follows from the package's own
/// <c>info/paths.json</c> and the prefix: a file without a placeholder has the package's bytes, one with a placeholder
/// has them with the prefix written in (text: replaced; binary: replaced and NUL-padded), an entry point is the
/// script conda writes. Nothing is taken from the image's own conda-meta records; they are what is checked.
/// </summary>
public sealed class ExpectedPrefix
{
    public required string Prefix { get; init; }

    /// <summary>The layers of the chain, root first.</summary>
    public required IReadOnlyList<string> Chain { get; init; }

    /// <summary>The sha256 of each chain layer's lock file as read for this proof (same order as <see cref="Chain"/>).</summary>
    public required IReadOnlyList<string> LockSha256 { get; init; }

    /// <summary>The root's base image as its lock pins it (<c>name@sha256:…</c>), when it does.</summary>
    public string? BaseImage { get; init; }

    public required IReadOnlyList<ExpectedPackage> Packages { get; init; }

    /// <summary>Every path a package installs → what it must be and whose it is (the last package to write it, as conda links).</summary>
    public required IReadOnlyDictionary<string, (PrefixEntry Entry, ExpectedPackage Package)> Files { get; init; }

    /// <summary>What the chain's installs leave for the next layer (the files so far and conda-meta/history).</summary>
    public EnvironmentState State { get; init; } = EnvironmentState.Empty;

    /// <summary>
    /// Each layer of the chain is installed on its own into fresh scratch space over the state its ancestors left, as
    /// the oci builder installs it, and its files are described there. With <paramref name="parent"/> (the parent's
    /// expectation, derived from the same lock files) only the layer's own packages are installed: proving a built
    /// tree costs one install per layer, not one per layer and ancestor.
    /// </summary>
    public static async Task<ExpectedPrefix> DeriveAsync(LayerPackages packages, string layer, Action<string>? progress, CancellationToken ct,
        IProgress<Conda.ProgressUpdate>? updates = null, ExpectedPrefix? parent = null)
    {
        var workspace = packages.Workspace;
        var chain = workspace.Tree.Ancestors(layer).Select(a => a.Name).Reverse().Append(layer).ToList();
        var stored = chain.Select(name => LockStore.Read(workspace, name) is { Lock: not null } s ? s
            : throw new PackageFetchException($"layer '{name}' has no readable lock ({LockStore.RelativePath(name)}): run 'beacon lock'")).ToList();
        var locks = stored.Select(s => s.Lock!).ToList();
        var prefix = workspace.Tree.PrefixOf(layer);
        var shas = stored.Select(s => s.Sha256).ToList();
        var reuse = parent is not null && parent.Prefix == prefix
            && parent.Chain.SequenceEqual(chain[..^1], StringComparer.Ordinal) && parent.LockSha256.SequenceEqual(shas[..^1], StringComparer.Ordinal);
        var state = reuse ? parent!.State : EnvironmentState.Empty;
        var expected = reuse ? new List<ExpectedPackage>(parent!.Packages) : [];
        var files = reuse ? new Dictionary<string, (PrefixEntry, ExpectedPackage)>(parent!.Files, StringComparer.Ordinal)
            : new Dictionary<string, (PrefixEntry, ExpectedPackage)>(StringComparer.Ordinal);
        for (var i = reuse ? chain.Count - 1 : 0; i < chain.Count; i++)
        {
            var scratch = packages.Cache.Scratch.NewFolder("verify");
            try
            {
                var own = LayerPackages.Own(locks[i], i == 0 ? null : locks[i - 1]);
                var extracted = await packages.FetchAsync(own, progress, updates, chain[i], ct);
                var report = PackageInstaller.Install(packages.Request(chain[i], locks[i], scratch, state), extracted);
                var root = Path.Combine(scratch, prefix.TrimStart('/'));
                foreach (var installed in report.Packages)
                {
                    var package = new ExpectedPackage(installed.Record, chain[i], installed.Files);
                    expected.Add(package);
                    // The last package to write a path owns it, as conda links.
                    foreach (var file in installed.Files)
                    {
                        files[file] = (Describe(Path.Combine(root, file)), package);
                    }
                }
                state = state.With(report.Packages.SelectMany(p => p.Files.Select(f => (f, p.Record.DistString))), report.History);
            }
            finally
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
        return new ExpectedPrefix
        {
            Prefix = prefix, Chain = chain, LockSha256 = shas, Packages = expected, Files = files, State = state,
            BaseImage = locks[0].BaseImage is { } pinned && BaseImagePins.DigestOf(pinned) is not null ? pinned : null,
        };
    }

    private static PrefixEntry Describe(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is { } target)
        {
            return PrefixEntry.OfLink(target);
        }
        using var stream = new FileStream(path, System.IO.FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return PrefixEntry.OfFile(Convert.ToHexStringLower(SHA256.HashData(stream)), info.Length, (info.UnixFileMode & PrefixEntry.ExecuteBits) != 0);
    }
}
