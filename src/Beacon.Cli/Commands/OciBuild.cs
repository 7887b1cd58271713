using Beacon.Conda.Net;
using Beacon.Cli.Hosting;
using Beacon.Conda.Packages;
using Beacon.Evidence.Verification;
using Beacon.Images.Planning;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Documents;
using Beacon.Layers.Locking;
using Beacon.Layers.Validation;
using Beacon.Oci.Building;
using Beacon.Oci.Registry;

namespace Beacon.Cli.Commands;

/// <summary><c>beacon build --builder oci</c>: the stack's images built by Beacon itself and pushed to the registry by digest.</summary>
internal static class OciBuild
{
    /// <param name="session">The stack opened for the oci builder (its images' tags are the oci identities).</param>
    public static async Task<int> RunAsync(CommandRun run, StackSession session, string[] layers, bool offline, CancellationToken token)
    {
        if (session.Plan.CreateRegistry)
        {
            return run.Fail(DiagnosticCode.InvalidCommandLine, $"stack '{session.Stack.Name}' names no beacon:registry: give the registry to push to with --push");
        }
        using var http = BeaconHttp.Create();
        try
        {
            var channels = await ChannelIndex.LoadAsync(session.Workspace, ChannelAccess.Loader(run.Console, http, offline), cancellationToken: token);
            var client = new RegistryClient(http, RegistryCredentials.FromEnvironment(run.Console.Environment));
            using var cache = new PackageCache(PackageCache.DefaultDirectory(run.Console.Environment), http);
            var (results, unproven) = await run.WithProgressAsync(async (updates, message) =>
            {
                var built = await new OciImageBuilder(client, cache) { Updates = updates }.BuildAsync(session, channels, layers, message, token);
                // Each image this build pushed is read back from the registry and proven to be its locks (beacon
                // verify's proof): what a deployment pulls is what the locks say, not only what the builder meant to push.
                using var verifier = new ImageVerifier(new LayerPackages(session.Workspace, channels, cache)) { Updates = updates };
                foreach (var r in built.Where(r => !r.Reused))
                {
                    var image = session.Plan.Images.Single(i => i.Layer == r.Layer);
                    var proof = await verifier.VerifyAsync(client, Oci.References.RemoteImage.Parse(r.Pinned), image.OciPlatform, r.Layer, null, token);
                    if (!proof.Proven)
                    {
                        return (built, proof);
                    }
                    message(proof.Summary);
                }
                return (built, (ImageVerification?)null);
            });
            foreach (var r in results)
            {
                var verb = r.Reused ? "reused" : "built ";
                run.Out.WriteLine($"{verb}    {r.Layer}  {r.Pinned}  {r.Layers} layers, {Output.ByteSizes.Text(r.BytesUploaded)} uploaded");
                foreach (var c in r.Install?.Clobbers ?? [])
                {
                    run.Err.WriteLine($"warning: {r.Layer}: {c.Later} overwrites {c.Path} of {c.Earlier}");
                }
                foreach (var p in r.Install?.WithLinkScripts ?? [])
                {
                    run.Err.WriteLine($"note: {r.Layer}: {p} has link scripts, which Beacon does not run");
                }
            }
            if (unproven is not null)
            {
                VerifyCommand.WriteFindings(run, unproven);
                return run.Fail(DiagnosticCode.ImageNotItsLocks, unproven.Summary, ExitCodes.CheckFailed);
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
        catch (ImageLayerException e)
        {
            return run.Fail(DiagnosticCode.ImageNotItsLocks, e.Message, ExitCodes.CheckFailed);
        }
        catch (RegistryException e)
        {
            return run.Fail(DiagnosticCode.RegistryRefused, e.Message, ExitCodes.CheckFailed);
        }
    }
}
