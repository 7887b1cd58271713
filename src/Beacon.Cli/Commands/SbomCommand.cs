using System.CommandLine;
using Beacon.Cli.Hosting;
using Beacon.Conda;
using Beacon.Conda.Net;
using Beacon.Evidence.Sbom;
using Beacon.Evidence.Signing;
using Beacon.Layers.Diagnostics;
using Beacon.Oci.References;
using Beacon.Oci.Registry;

namespace Beacon.Cli.Commands;

/// <summary>
/// <c>beacon sbom &lt;image&gt; --layer L --format cyclonedx|spdx</c>: the SBOM of an image, written from its proven
/// contents (the image is verified first; an image that is not its locks gets no SBOM). With --attach, both formats
/// are signed and pushed beside the image as <c>sha256-&lt;hex&gt;.sbom</c>.
/// </summary>
internal static class SbomCommand
{
    public static Command Create(CliConsole console)
    {
        var image = new Argument<string>("image") { Description = "The image in its registry: host/repository[:tag][@sha256:digest]." };
        var layer = Options.Text("--layer", "The layer the image is built from.", "layer");
        layer.Required = true;
        var format = new Option<string>("--format") { Description = "cyclonedx (CycloneDX 1.6 JSON) or spdx (SPDX 2.3 JSON).", DefaultValueFactory = _ => "cyclonedx", HelpName = "format" };
        format.AcceptOnlyFromAmong("cyclonedx", "spdx");
        var output = Options.Text("--output", "Write the SBOM to this file instead of standard output.", "file", "-o");
        var attach = Options.Flag("--attach", "Sign both SBOMs (in-toto statements, DSSE) and push them beside the image as sha256-<digest>.sbom.");
        var keyFile = Options.Text("--key", "The signing key for --attach: an ECDSA P-256 private key, PEM.", "file");
        var keyEnv = Options.Text("--key-env", "An environment variable holding the signing key's PEM, for --attach.", "variable");
        var repo = Options.Repo();
        var command = new Command("sbom", "Write the SBOM of a proven image (CycloneDX 1.6 or SPDX 2.3 JSON): one component per conda package with its purl, sha256 and licence, the parent layers, the base image by digest.")
        {
            image, layer, format, output, attach, keyFile, keyEnv, repo,
        };
        command.SetAction(async (parse, token) =>
        {
            var run = new CommandRun(console, "sbom", json: false);
            var layerName = parse.GetValue(layer)!;
            if (ImageArguments.RepositoryWithLayer(run, parse.GetValue(repo), layerName, out var exit) is not { } workspace)
            {
                return exit;
            }
            var signing = parse.GetValue(attach);
            if (signing && (parse.GetValue(keyFile) is null) == (parse.GetValue(keyEnv) is null))
            {
                return run.Fail(DiagnosticCode.InvalidCommandLine, "--attach signs the SBOMs: give the key by --key <file> or by --key-env <variable>, one of them");
            }
            if (!signing && (parse.GetValue(keyFile) ?? parse.GetValue(keyEnv)) is not null)
            {
                return run.Fail(DiagnosticCode.InvalidCommandLine, "--key and --key-env sign what --attach pushes; add --attach");
            }
            var text = parse.GetValue(image)!;
            if (!ImageArguments.TryImage(run, text, out var remote, out exit))
            {
                return exit;
            }
            using var http = BeaconHttp.Create();
            try
            {
                // The key is read before any work: a missing key fails fast and nothing is pushed.
                using var key = !signing ? null
                    : parse.GetValue(keyFile) is { } file ? SigningKey.FromFile(console.FullPath(file)) : SigningKey.FromEnvironment(parse.GetValue(keyEnv)!, console.Environment);
                var registry = new RegistryClient(http, RegistryCredentials.FromEnvironment(console.Environment));
                var proof = await VerifyCommand.ProveAsync(run, workspace, layerName, remote, text, http, registry, token);
                if (!proof.Proven)
                {
                    return run.Fail(DiagnosticCode.ImageNotItsLocks, proof.Summary + "; no SBOM is written for it", ExitCodes.CheckFailed);
                }
                var subject = SbomSubject.From(proof, (remote with { Tag = null, Digest = null }).ToString(), SbomSubject.CreatedFrom(console.Environment));
                var bytes = parse.GetValue(format) == "spdx" ? Spdx.Write(subject) : CycloneDx.Write(subject);
                if (parse.GetValue(output) is { } path)
                {
                    try
                    {
                        AtomicFile.WriteAllBytes(console.FullPath(path), bytes);
                    }
                    catch (Exception e) when (e is FileWriteException or IOException or UnauthorizedAccessException)
                    {
                        return run.Fail(DiagnosticCode.OutputNotWritable, $"--output: {e.Message}");
                    }
                    run.Err.WriteLine($"wrote {path}: {subject.Packages.Count()} packages of {proof.Image}");
                }
                else
                {
                    run.Out.Write(System.Text.Encoding.UTF8.GetString(bytes));
                }
                if (key is not null)
                {
                    var pushed = await SbomAttachment.AttachAsync(registry, remote, subject, key, token);
                    run.Err.WriteLine($"attached CycloneDX and SPDX (key {key.KeyId}): {pushed.Describe()}");
                }
                return ExitCodes.Success;
            }
            catch (Exception e) when (VerifyCommand.Failure(run, text, e) is { } failed)
            {
                return failed;
            }
        });
        return command;
    }
}
