using System.CommandLine;
using Beacon.Cli.Hosting;
using Beacon.Conda.Net;
using Beacon.Evidence.Attestations;
using Beacon.Evidence.Signing;
using Beacon.Layers.Diagnostics;
using Beacon.Oci.References;
using Beacon.Oci.Registry;

namespace Beacon.Cli.Commands;

/// <summary>
/// <c>beacon attest</c> signs a layer image's provenance and attaches it next to the image in its registry;
/// <c>beacon verify-attestation</c> checks it against a public key and the image's digest. The key comes from a file or
/// an environment variable (a CI secret), never from the repository.
/// </summary>
internal static class AttestCommand
{
    public static Command Create(CliConsole console)
    {
        var image = new Argument<string>("image") { Description = "The image in its registry: host/repository[:tag][@sha256:digest]." };
        var layer = Options.Text("--layer", "The layer the image is built from (its lock and its ancestors' locks are the provenance).", "layer");
        layer.Required = true;
        var keyFile = Options.Text("--key", "The signing key: an ECDSA P-256 private key, PEM (PKCS#8 or SEC1).", "file");
        var keyEnv = Options.Text("--key-env", "An environment variable holding the signing key's PEM (a CI secret).", "variable");
        var repo = Options.Repo();
        var command = new Command("attest",
            "Sign the image's SLSA provenance (in-toto statement, DSSE envelope, ECDSA P-256) and push it beside the image as <repository>:sha256-<digest>.att.")
        {
            image, layer, keyFile, keyEnv, repo,
        };
        command.SetAction(async (parse, token) =>
        {
            var run = new CommandRun(console, "attest", json: false);
            var layerName = parse.GetValue(layer)!;
            if (ImageArguments.RepositoryWithLayer(run, parse.GetValue(repo), layerName, out var exit) is not { } workspace)
            {
                return exit;
            }
            if ((parse.GetValue(keyFile) is null) == (parse.GetValue(keyEnv) is null))
            {
                return run.Fail(DiagnosticCode.InvalidCommandLine, "give the signing key by --key <file> or by --key-env <variable>, one of them");
            }
            if (!ImageArguments.TryImage(run, parse.GetValue(image)!, out var reference, out exit))
            {
                return exit;
            }
            try
            {
                using var key = parse.GetValue(keyFile) is { } file ? SigningKey.FromFile(console.FullPath(file)) : SigningKey.FromEnvironment(parse.GetValue(keyEnv)!, console.Environment);
                using var http = BeaconHttp.Create();
                var client = new RegistryClient(http, RegistryCredentials.FromEnvironment(console.Environment));
                var digest = reference.Digest ?? await client.ResolveDigestAsync(reference, token);
                var provenance = LayerProvenance.For(workspace, layerName, reference, digest);
                var envelope = DsseEnvelope.Sign(Provenance.PayloadType, provenance.ToJson(), key);
                var pushed = await AttestationStore.PushAsync(client, reference, digest, envelope, token);
                run.Out.WriteLine($"attested {reference with { Tag = null, Digest = digest }} (key {key.KeyId}): {pushed.Describe()}");
                return ExitCodes.Success;
            }
            catch (SigningKeyException e)
            {
                return run.Fail(DiagnosticCode.InvalidCommandLine, e.Message);
            }
            catch (RegistryException e)
            {
                return run.Fail(DiagnosticCode.RegistryRefused, e.Message, ExitCodes.CheckFailed);
            }
        });
        return command;
    }

    public static Command CreateVerify(CliConsole console)
    {
        var image = new Argument<string>("image") { Description = "The image in its registry: host/repository[:tag][@sha256:digest]." };
        var key = Options.Text("--key", "The public key (PEM) the attestation must be signed with.", "file");
        key.Required = true;
        var command = new Command("verify-attestation",
            "Check the image's attestation: signed by the key, an in-toto statement, naming the image's own digest. Exit 1 when it is not.")
        {
            image, key,
        };
        command.SetAction(async (parse, token) =>
        {
            var run = new CommandRun(console, "verify-attestation", json: false);
            if (!ImageArguments.TryImage(run, parse.GetValue(image)!, out var reference, out var exit))
            {
                return exit;
            }
            try
            {
                using var publicKey = SigningKey.PublicKeyFromFile(console.FullPath(parse.GetValue(key)!));
                using var http = BeaconHttp.Create();
                var client = new RegistryClient(http, RegistryCredentials.FromEnvironment(console.Environment));
                var check = await AttestationStore.CheckAsync(client, reference, publicKey, token);
                (check.Verified ? run.Out : run.Err).WriteLine(check.Message);
                return check.Verified ? ExitCodes.Success : ExitCodes.CheckFailed;
            }
            catch (SigningKeyException e)
            {
                return run.Fail(DiagnosticCode.InvalidCommandLine, e.Message);
            }
            catch (RegistryException e)
            {
                return run.Fail(DiagnosticCode.RegistryRefused, e.Message, ExitCodes.CheckFailed);
            }
        });
        return command;
    }
}
