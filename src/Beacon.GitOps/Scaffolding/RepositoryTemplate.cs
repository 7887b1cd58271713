using Beacon.GitOps.Workflows;
using Beacon.Layers.Documents;

namespace Beacon.GitOps.Scaffolding;

/// <summary>What <c>beacon init</c> is asked for. Every value is validated before it reaches a file (<see cref="Validate"/>).</summary>
public sealed record InitOptions
{
    /// <summary>The organisation's short name (a DNS label): it names the stacks.</summary>
    public required string Organisation { get; init; }
    /// <summary>Who owns the root layer and everything no other line of CODEOWNERS names.</summary>
    public required string Owner { get; init; }
    /// <summary>A cloud stack next to the local one, or none.</summary>
    public CloudTarget? Cloud { get; init; }
    /// <summary>
    /// Where the conda-forge channel is read from: the public channel, a mirror, or a channel folder (absolute, or
    /// relative to the new repository, as beacon.yaml resolves it).
    /// </summary>
    public string Channel { get; init; } = DefaultChannel;
    public const string DefaultChannel = "https://conda.anaconda.org/conda-forge";
    /// <summary>The root layer's conda specs; null: <see cref="DefaultDependencies"/>.</summary>
    public IReadOnlyList<string>? Dependencies { get; init; }
    public static IReadOnlyList<string> DefaultDependencies { get; } = ["python 3.11.*", "numpy", "pandas"];
    /// <summary>The Beacon repository the wrappers build Beacon from (a git URL or path), and the commit they pin.</summary>
    public required string BeaconSource { get; init; }
    public required string BeaconRef { get; init; }
}

/// <summary>
/// The files of a new organisation's repository: a root layer, <c>beacon.yaml</c>, <c>Pulumi.yaml</c>, a local stack
/// (and one for the chosen cloud), this repository's GitHub workflows, <c>.gitignore</c>, a README, and two wrappers
/// (<c>./beacon</c>, <c>scripts/build-infra.sh</c>) that build Beacon from its source at a pinned commit — so the
/// workflows run the same commands here and there. Locks and CODEOWNERS are made from these by
/// <see cref="RepositoryInitializer"/>.
/// </summary>
public static class RepositoryTemplate
{
    /// <summary>The first problem with the options, or null: names, owner, channel, source and ref are checked here.</summary>
    public static string? Validate(InitOptions o)
    {
        if (!Layers.Validation.Names.IsDnsLabel(o.Organisation))
        {
            return $"the organisation's name '{Conda.Parsing.Printable.Of(o.Organisation)}' must be {Layers.Validation.Names.DnsLabelRule} (it names the stacks); pass --name";
        }
        if (!Layers.Validation.Names.IsOwner(o.Owner))
        {
            return $"owner '{Conda.Parsing.Printable.Of(o.Owner)}' is not {Layers.Validation.Names.OwnerRule}";
        }
        if (o.Channel.Length == 0 || o.Channel.Any(char.IsControl) || (o.Channel.Contains("://", StringComparison.Ordinal) && !Layers.Validation.Names.IsChannel(o.Channel)))
        {
            return $"channel '{Conda.Parsing.Printable.Of(o.Channel)}' is not a channel URL or a folder";
        }
        if (Conda.Specs.MatchSpec.TryParseAll(o.Dependencies ?? [], "--add", out _) is { } refusal)
        {
            return refusal;
        }
        if (o.BeaconSource.Length == 0 || o.BeaconSource.Any(char.IsControl) || o.BeaconSource.StartsWith('-'))
        {
            return $"the Beacon source '{Conda.Parsing.Printable.Of(o.BeaconSource)}' is not a git URL or path";
        }
        if (!o.BeaconRef.All(char.IsAsciiHexDigitLower) || o.BeaconRef.Length != 40)
        {
            return $"the Beacon ref '{Conda.Parsing.Printable.Of(o.BeaconRef)}' is not a full commit id (40 hex digits): the wrappers pin Beacon to one commit";
        }
        return null;
    }

    public static IReadOnlyDictionary<string, string> Files(InitOptions o)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["beacon.yaml"] = Settings(o),
            ["layers/core.yaml"] = CoreLayer(o),
            ["Pulumi.yaml"] = PulumiProject(),
            [$"stacks/Pulumi.{o.Organisation}-local.yaml"] = LocalStack(),
            [".gitignore"] = "/.beacon/\n*.beacon-tmp\n/layers/.beacon-lock-journal\n",
            ["README.md"] = Readme(o),
            ["beacon"] = BeaconWrapper(o),
            ["scripts/build-infra.sh"] = InfraWrapper(),
        };
        if (o.Cloud is { } cloud && cloud != CloudTarget.Local)
        {
            files[$"stacks/Pulumi.{o.Organisation}-{cloud.ToText()}.yaml"] = CloudStack(o, cloud);
        }
        foreach (var (path, text) in WorkflowFiles.All)
        {
            files[path] = text;
        }
        return files;
    }

    /// <summary>The files that must be executable.</summary>
    public static IReadOnlyList<string> Executables { get; } = ["beacon", "scripts/build-infra.sh"];

    /// <summary>A YAML double-quoted scalar (values were checked to hold no control character, so only \ and " need escapes).</summary>
    private static string Quoted(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>A POSIX shell single-quoted word.</summary>
    private static string ShellQuoted(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string Settings(InitOptions o) =>
        "# Repository settings for Beacon (see Beacon's README, \"File formats\").\n" +
        "# The organisation's short name: it names what Beacon leaves outside the repository (kernelspecs beacon-<organisation>-<layer>).\n" +
        $"organisation: {o.Organisation}\n" +
        "# Where each channel named in layers/*.yaml is read from: the public channel, your organisation's mirror, or a folder\n" +
        "# (relative to this repository).\n" +
        $"channels:\n  conda-forge: {Quoted(o.Channel)}\n";

    /// <summary>micromamba 1.5.8's multi-platform index, as published on Docker Hub (the digest `docker buildx imagetools inspect mambaorg/micromamba:1.5.8` prints).</summary>
    public const string BaseImage = "mambaorg/micromamba:1.5.8@sha256:475730daef12ff9c0733e70092aeeefdf4c373a584c952dac3f7bdb739601990";

    private static string CoreLayer(InitOptions o) =>
        "# The production core environment: every other layer is built FROM this image and may only add to it.\n" +
        "name: core\n" +
        "description: The organisation's production Python\n" +
        $"owners: [{Quoted(o.Owner)}]\n" +
        "platform: linux-64\n" +
        // Pinned by digest (the multi-platform index mambaorg/micromamba:1.5.8 named when this template was written), so
        // the first lock needs no registry; 'beacon lock --update-base' moves it to what a tag names later.
        $"base-image: {BaseImage}\n" +
        "channels: [conda-forge]\n" +
        "stage: production\n" +
        "dependencies:\n" + string.Concat((o.Dependencies ?? InitOptions.DefaultDependencies).Select(d => $"  - {Layers.Editing.LayerFileEdits.Scalar(Conda.Specs.MatchSpec.Parse(d))}\n")) +
        (o.Dependencies is null ? "tests:\n  - python -c 'import numpy, pandas'\n" : "");

    private static string PulumiProject() =>
        "name: beacon\n" +
        "description: Layered conda container environments, as code\n" +
        "runtime:\n  name: yaml\n  options:\n" +
        "    # Pulumi runs this command in the project folder and reads a Pulumi YAML program from its stdout.\n" +
        "    # Build it once with ./scripts/build-infra.sh.\n" +
        "    compiler: ./.beacon/src/.beacon/infra/beacon-infra\n" +
        "stackConfigDir: stacks\n";

    private static string LocalStack() =>
        "# On a laptop or CI runner: images in the local Docker engine, workloads as Compose projects.\n" +
        "config:\n  beacon:cloud: local\n  beacon:registry: 127.0.0.1:5000\n  beacon:stages: [production, experimental]\n";

    private static string CloudStack(InitOptions o, CloudTarget cloud) => cloud switch
    {
        CloudTarget.Aws =>
            "# Deploys into an existing EKS cluster; write `beacon:cluster: create` with beacon:subnetIds to have Beacon create one.\n" +
            $"config:\n  aws:region: us-east-1\n  beacon:cloud: aws\n  beacon:stages: [production]\n  beacon:cluster: {{name: {o.Organisation}}}\n",
        CloudTarget.Gcp =>
            "# Creates a GKE cluster in the project; set gcp:project to your project's id.\n" +
            $"config:\n  gcp:project: {o.Organisation}\n  gcp:region: us-central1\n  beacon:cloud: gcp\n  beacon:stages: [production]\n",
        CloudTarget.Azure =>
            "# Creates an AKS cluster in the location.\n" +
            "config:\n  azure-native:location: westeurope\n  beacon:cloud: azure\n  beacon:stages: [production]\n",
        _ =>
            "# An existing cluster: Beacon deploys the workloads; the cluster pulls images from the registry.\n" +
            $"config:\n  beacon:cloud: kubernetes\n  beacon:registry: registry.{o.Organisation}.internal:5000/beacon\n  beacon:namespace: beacon\n" +
            $"  beacon:cluster:\n    kubeconfig: ~/.kube/config\n    context: {o.Organisation}\n  beacon:stages: [production]\n",
    };

    private static string Readme(InitOptions o) =>
        $"# {o.Organisation}: conda environments as code\n\n" +
        "Layers (`layers/*.yaml`), workloads (`workloads/*.yaml`) and stacks (`stacks/Pulumi.<stack>.yaml`) are managed by\n" +
        "Beacon, at the commit `./beacon` pins. Change them by pull request: the workflows in `.github/workflows` validate\n" +
        "and gate every change, comment a summary, preview the stacks it affects, deploy on merge and propose upgrades weekly.\n\n" +
        "```\n./beacon pipeline --stack " + o.Organisation + "-local   # validate, gate, the layer tree, the local plan\n" +
        "./beacon fork core --as my-layer --parent core --add pyarrow   # a new layer on top of core: core's packages and pyarrow\n" +
        "./beacon add my-layer scipy   # one more package in it: edits layers/my-layer.yaml, locks, prints what changed\n```\n";

    private static string BeaconWrapper(InitOptions o) =>
        "#!/usr/bin/env bash\n" +
        "# Runs Beacon for this repository. Beacon's source at the pinned commit is fetched once per machine into the user's\n" +
        "# cache ($BEACON_CACHE_DIR, else $XDG_CACHE_HOME/beacon, else ~/.cache/beacon) and built there as a native executable\n" +
        "# (about a minute, with its progress on stderr); every repository that pins the same commit shares that build, and\n" +
        "# .beacon/src links to it. Change BEACON_REF to move to another Beacon.\n" +
        "set -euo pipefail\n" +
        $"BEACON_SOURCE={ShellQuoted(o.BeaconSource)}\n" +
        $"BEACON_REF={ShellQuoted(o.BeaconRef)}\n" +
        "here=$(cd \"$(dirname \"${BASH_SOURCE[0]}\")\" && pwd)\n" +
        "shared=\"${BEACON_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/beacon}/src/$BEACON_REF\"\n" +
        "if [ ! -f \"$shared/.beacon-ready\" ]; then\n" +
        "  mkdir -p \"$(dirname \"$shared\")\"\n" +
        "  # Another repository fetching the same commit at this moment: wait for it, then use what it built.\n" +
        "  exec 9>\"$shared.lock\"\n" +
        "  if command -v flock >/dev/null 2>&1; then flock 9; fi\n" +
        "  if [ ! -f \"$shared/.beacon-ready\" ]; then\n" +
        "    echo \"beacon: fetching Beacon $BEACON_REF into $shared (once per machine; shared by every repository that pins it)\" >&2\n" +
        "    rm -rf \"$shared\"\n" +
        "    git clone --no-checkout \"$BEACON_SOURCE\" \"$shared\" >&2\n" +
        "    git -C \"$shared\" checkout --quiet \"$BEACON_REF\" >&2\n" +
        "    \"$shared/beacon\" --version >&2\n" +
        "    touch \"$shared/.beacon-ready\"\n" +
        "  fi\n" +
        "  exec 9>&-\n" +
        "fi\n" +
        "mkdir -p \"$here/.beacon\"\n" +
        "if [ \"$(readlink \"$here/.beacon/src\" 2>/dev/null || true)\" != \"$shared\" ]; then\n" +
        "  rm -rf \"$here/.beacon/src\"\n" +
        "  ln -s \"$shared\" \"$here/.beacon/src\"\n" +
        "fi\n" +
        "exec \"$shared/beacon\" \"$@\"\n";

    private static string InfraWrapper() =>
        "#!/usr/bin/env bash\n" +
        "# Builds the Pulumi compiler (Beacon's infra/ program) from the Beacon source ./beacon pins, where Pulumi.yaml runs it.\n" +
        "set -euo pipefail\n" +
        "here=$(cd \"$(dirname \"${BASH_SOURCE[0]}\")/..\" && pwd)\n" +
        "\"$here/beacon\" --version >/dev/null\n" +
        "exec \"$here/.beacon/src/scripts/build-infra.sh\"\n";
}
