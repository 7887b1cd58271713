using Beacon.Cli.Hosting;
using Beacon.Conda.Packages;
using Beacon.Images.Planning;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Locking;
using Beacon.Layers.Validation;
using Beacon.Oci.Building;
using Beacon.Oci.Registry;

namespace Beacon.Cli.Commands;

/// <summary><c>beacon build --builder oci</c>: the stack's images built by Beacon itself and pushed to the registry by digest.</summary>
internal static class OciBuild
{
    public static async Task<int> RunAsync(CommandRun run, string? repo, string? stackName, string[] layers, string? push, bool offline, CancellationToken token)
    {
        if (push is not null && !Names.IsImageReference(push.TrimEnd('/') + "/x"))
        {
            return run.Fail(DiagnosticCode.InvalidCommandLine, $"--push '{push}' is not a registry address such as 127.0.0.1:5000 or ghcr.io/acme");
        }
        if (StackCommands.Open(run, repo, stackName, out var exit, new StackOptions { Registry = push }) is not { } session)
        {
            return exit;
        }
        var registryAddress = push ?? session.Stack.Registry;
        if (registryAddress is null)
        {
            return run.Fail(DiagnosticCode.InvalidCommandLine, $"stack '{session.Stack.Name}' names no beacon:registry: give the registry to push to with --push");
        }
        var unknown = layers.Where(l => session.Plan.Images.All(i => i.Layer != l)).ToList();
        if (unknown.Count > 0)
        {
            return run.Fail(DiagnosticCode.LayerNotDeployed, $"stack '{session.Stack.Name}' deploys no layer {string.Join(", ", unknown)}");
        }
        using var http = new HttpClient();
        try
        {
            var channels = await ChannelIndex.LoadAsync(session.Workspace, ChannelAccess.Loader(run.Console, http, offline), cancellationToken: token);
            var client = new RegistryClient(http, RegistryCredentials.FromEnvironment(run.Console.Environment));
            var builder = new OciImageBuilder(client, new PackageCache(PackageCache.DefaultDirectory(run.Console.Environment), http));
            var results = await builder.BuildAsync(session, channels, registryAddress, layers, run.Progress, token);
            foreach (var r in results)
            {
                var verb = r.Reused ? "reused" : "built ";
                run.Out.WriteLine($"{verb}    {r.Layer}  {r.Pinned}  {r.Layers} layers, {BuildCommand.Size(r.BytesUploaded)} uploaded");
                foreach (var c in r.Install?.Clobbers ?? [])
                {
                    run.Err.WriteLine($"warning: {r.Layer}: {c.Later} overwrites {c.Path} of {c.Earlier}");
                }
                foreach (var p in r.Install?.WithLinkScripts ?? [])
                {
                    run.Err.WriteLine($"note: {r.Layer}: {p} has link scripts, which Beacon does not run");
                }
            }
            return ExitCodes.Success;
        }
        catch (LockChannelException e)
        {
            return run.Fail(DiagnosticCode.ChannelUnavailable, e.Message);
        }
        catch (Exception e) when (e is PackageFetchException or PackageArchiveException or PackageInstallException)
        {
            return run.Fail(DiagnosticCode.PackageRefused, e.Message, ExitCodes.CheckFailed);
        }
        catch (RegistryException e)
        {
            return run.Fail(DiagnosticCode.RegistryRefused, e.Message, ExitCodes.CheckFailed);
        }
    }
}
