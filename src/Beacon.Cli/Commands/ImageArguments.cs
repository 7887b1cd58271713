using Beacon.Cli.Hosting;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Loading;
using Beacon.Oci.References;

namespace Beacon.Cli.Commands;

/// <summary>The arguments attest, verify-attestation, verify and sbom share: the repository with a --layer it has, and an image reference.</summary>
internal static class ImageArguments
{
    /// <summary>The repository, or null (and the exit code) when it does not load or has no layer <paramref name="layer"/>.</summary>
    public static Workspace? RepositoryWithLayer(CommandRun run, string? repo, string layer, out int exit)
    {
        if (Repository.Load(run, repo, out exit) is not { } workspace)
        {
            return null;
        }
        if (!workspace.Tree.Contains(layer))
        {
            exit = run.Fail(DiagnosticCode.UnknownLayerArgument, $"--layer: no layer '{layer}' in this repository");
            return null;
        }
        return workspace;
    }

    public static bool TryImage(CommandRun run, string text, out RemoteImage reference, out int exit)
    {
        try
        {
            reference = RemoteImage.Parse(text);
            exit = 0;
            return true;
        }
        catch (FormatException e)
        {
            reference = null!;
            exit = run.Fail(DiagnosticCode.InvalidImageReference, e.Message);
            return false;
        }
    }
}
