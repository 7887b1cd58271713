using System.CommandLine;
using Beacon.Cli.Hosting;
using Beacon.Conda.Net;
using Beacon.Conda.Packages;
using Beacon.Docker.Engine;
using Beacon.Evidence.Attestations;
using Beacon.Evidence.Signing;
using Beacon.Evidence.Verification;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Locking;
using Beacon.Oci.Building;
using Beacon.Oci.References;
using Beacon.Oci.Registry;

namespace Beacon.Cli.Commands;

/// <summary>
/// <c>beacon verify &lt;image&gt; --layer L</c>: proves the image's environment is exactly its layer's and ancestors'
/// locks, read from the image's layers in its registry (or, with --engine, as the local engine saves it); with --key,
/// its signed attestation is checked too. Exit 0 when proven, 1 with every finding otherwise.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create(CliConsole console)
    {
        var image = new Argument<string>("image") { Description = "The image: host/repository[:tag][@sha256:digest] in its registry, or any reference the engine knows with --engine." };
        var layer = Options.Text("--layer", "The layer the image is built from: its lock and its ancestors' locks are what the image must hold.", "layer");
        layer.Required = true;
        var engine = Options.Flag("--engine", "Read the image from the local Docker engine (docker save) instead of its registry.");
        var key = Options.Text("--key", "Also check the image's signed attestation against this public key (PEM).", "file");
        var repo = Options.Repo();
        var command = new Command("verify",
            "Prove an image is its locks: every file of every locked package present with its sha256 and size, each conda-meta record as locked, nothing else under the prefix. Exit 1 naming each difference.")
        {
            image, layer, engine, key, repo,
        };
        command.SetAction(async (parse, token) =>
        {
            var run = new CommandRun(console, "verify", json: false);
            var layerName = parse.GetValue(layer)!;
            if (ImageArguments.RepositoryWithLayer(run, parse.GetValue(repo), layerName, out var exit) is not { } workspace)
            {
                return exit;
            }
            var text = parse.GetValue(image)!;
            var fromEngine = parse.GetValue(engine);
            if (fromEngine && parse.GetValue(key) is not null)
            {
                return run.Fail(DiagnosticCode.InvalidCommandLine, "--key checks the attestation in the image's registry; it cannot be used with --engine");
            }
            RemoteImage? remote = null;
            if (!fromEngine && !ImageArguments.TryImage(run, text, out remote, out exit))
            {
                return exit;
            }
            using var http = BeaconHttp.Create();
            try
            {
                using var publicKey = parse.GetValue(key) is { } keyFile ? SigningKey.PublicKeyFromFile(console.FullPath(keyFile)) : null;
                var registry = new RegistryClient(http, RegistryCredentials.FromEnvironment(console.Environment));
                var proof = await ProveAsync(run, workspace, layerName, remote, text, http, registry, token);
                if (!proof.Proven)
                {
                    return run.Fail(DiagnosticCode.ImageNotItsLocks, proof.Summary, ExitCodes.CheckFailed);
                }
                run.Out.WriteLine(proof.Summary);
                if (publicKey is null)
                {
                    return ExitCodes.Success;
                }
                var pinned = remote! with { Tag = null, Digest = proof.Digest };
                var anyFailed = false;
                foreach (var kind in new[] { AttestationStore.Provenance, AttestationStore.Sbom })
                {
                    // The provenance must be there; SBOMs are checked when they were attached.
                    if (kind == AttestationStore.Sbom && !await registry.ManifestExistsAsync(pinned with { Digest = null, Tag = AttestationStore.TagFor(proof.Digest!, kind) }, token))
                    {
                        continue;
                    }
                    var check = await AttestationStore.CheckAsync(registry, pinned, publicKey, kind, token);
                    (check.Verified ? run.Out : run.Err).WriteLine(check.Message);
                    anyFailed |= !check.Verified;
                }
                return anyFailed ? ExitCodes.CheckFailed : ExitCodes.Success;
            }
            catch (Exception e) when (Failure(run, text, e) is { } failed)
            {
                return failed;
            }
        });
        return command;
    }

    /// <summary>
    /// The proof of an image (from its registry, or from the engine when <paramref name="remote"/> is null), its
    /// findings written to stderr. Throws what the caller maps to diagnostics (<see cref="Failure"/>).
    /// </summary>
    public static async Task<ImageVerification> ProveAsync(CommandRun run, Layers.Loading.Workspace workspace, string layer, RemoteImage? remote, string text,
        HttpClient http, RegistryClient registry, CancellationToken token)
    {
        var channels = await ChannelIndex.LoadAsync(workspace, ChannelAccess.Loader(run.Console, http, offline: false), cancellationToken: token);
        using var cache = new PackageCache(PackageCache.DefaultDirectory(run.Console.Environment), http);
        // The layers' downloads and the packages' fetches show their progress (a live view at a terminal, lines in CI).
        var proof = await run.WithProgressAsync(async (updates, message) =>
        {
            using var verifier = new ImageVerifier(new LayerPackages(workspace, channels, cache)) { Updates = updates };
            if (remote is not null)
            {
                return await verifier.VerifyAsync(registry, remote, Images.Planning.Platforms.Oci(workspace.Tree.PlatformOf(layer)), layer, message, token);
            }
            using var client = DockerClient.Connect(run.Console.Environment);
            var folder = cache.Scratch.NewFolder("saved");
            try
            {
                return await verifier.VerifyAsync(layer, text, null, await SavedImage.LayersAsync(client, text, folder, token), message, token);
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        });
        WriteFindings(run, proof);
        return proof;
    }

    /// <summary>What a proof found, one indented line each on stderr (verify, and a build whose image did not prove).</summary>
    public static void WriteFindings(CommandRun run, ImageVerification proof)
    {
        foreach (var finding in proof.Proof.Findings)
        {
            run.Err.WriteLine($"  {finding}");
        }
    }

    /// <summary>The diagnostic for what proving an image can throw, or null for anything else.</summary>
    public static int? Failure(CommandRun run, string image, Exception e) => e switch
    {
        SigningKeyException k => run.Fail(DiagnosticCode.InvalidCommandLine, k.Message),
        LockChannelException c => run.Fail(DiagnosticCode.ChannelUnavailable, c.Message),
        PackageFetchException or PackageArchiveException or PackageInstallException => run.Fail(DiagnosticCode.PackageRefused, e.Message, ExitCodes.CheckFailed),
        ImageLayerException or InvalidDataException => run.Fail(DiagnosticCode.ImageNotItsLocks, $"{image}: {e.Message}", ExitCodes.CheckFailed),
        _ => EngineAccess.Fail(run, e),
    };
}
