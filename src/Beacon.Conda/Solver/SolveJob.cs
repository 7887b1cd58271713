using Beacon.Conda.Channels;
using Beacon.Conda.Locks;
using Beacon.Conda.Repodata;
using Beacon.Conda.Specs;
using Beacon.Conda.VirtualPackages;

namespace Beacon.Conda.Solver;

/// <summary>A one-off solve, as plain data (the input of a command such as <c>beacon solve</c>).</summary>
public sealed record SolveJobOptions
{
    public required IReadOnlyList<string> Channels { get; init; }
    public required IReadOnlyList<string> Specs { get; init; }
    public string Platform { get; init; } = "linux-64";
    /// <summary>
    /// Virtual packages in conda's printed form, <c>name=version[=build]</c>; an empty version removes one
    /// ("no CUDA driver"). Applied over this machine's own (and the overrides, when opted into).
    /// </summary>
    public IReadOnlyList<string> Virtual { get; init; } = [];
    /// <summary>An explicit lock whose records must be installed exactly (a parent layer's).</summary>
    public string? PinFile { get; init; }
    public ChannelPriority Priority { get; init; } = ChannelPriority.Strict;
    /// <summary>Opt-in to conda's CONDA_OVERRIDE_* variables (null: ignore the environment).</summary>
    public Func<string, string?>? Overrides { get; init; }
}

/// <summary>Which option was wrong.</summary>
public enum SolveInputError
{
    Platform,
    Spec,
    VirtualPackage,
    MissingFile,
    InvalidLock,
    Channel,
}

/// <summary>A user mistake in the options (bad spec, unreadable pin file): exit code 2, not a failed solve.</summary>
public sealed class SolveInputException(SolveInputError kind, string message) : Exception(message)
{
    public SolveInputError Kind { get; } = kind;
}

/// <summary>Reads channels, virtual packages and pins for a one-off solve, then solves.</summary>
public static class SolveJob
{
    public static async Task<SolveResult> RunAsync(SolveJobOptions options, ChannelLoader loader, Action<string>? warnings = null, CancellationToken cancellationToken = default)
    {
        if (!Specs.Subdirs.IsKnown(options.Platform) || options.Platform == Specs.Subdirs.NoArch)
        {
            throw new SolveInputException(SolveInputError.Platform, $"platform '{options.Platform}' is not a conda platform such as linux-64");
        }
        var requests = new List<Request>();
        foreach (var text in options.Specs)
        {
            var parsed = MatchSpec.TryParse(text);
            if (!parsed.Success)
            {
                throw new SolveInputException(SolveInputError.Spec, MatchSpec.Refusal(text, parsed.Error));
            }
            requests.Add(new Request(parsed.Value));
        }
        var virtuals = VirtualPackageSet.Detect(options.Platform);
        if (options.Overrides is { } environment)
        {
            virtuals = virtuals.WithOverrides(environment);
        }
        foreach (var text in options.Virtual)
        {
            if (!VirtualPackage.TryParse(text, out var package, out var error))
            {
                throw new SolveInputException(SolveInputError.VirtualPackage, error);
            }
            virtuals = virtuals.With(package);
        }
        var pins = new List<HardPin>();
        if (options.PinFile is { } pinFile)
        {
            if (!File.Exists(pinFile))
            {
                throw new SolveInputException(SolveInputError.MissingFile, $"pin file '{pinFile}' does not exist");
            }
            var parsed = ExplicitLock.Parse(File.ReadAllText(pinFile));
            if (!parsed.Success)
            {
                throw new SolveInputException(SolveInputError.InvalidLock, $"pin file '{pinFile}': {parsed.Error.Message}");
            }
            pins.AddRange(parsed.Value.Packages.Select(p => new HardPin(p.ToRecord(), $"'{Path.GetFileName(pinFile)}'")));
        }
        var sources = new List<ChannelSource>();
        foreach (var location in options.Channels)
        {
            try
            {
                sources.Add(await loader.OpenAsync(location, [options.Platform, Specs.Subdirs.NoArch], warnings: warnings,
                    policy: RepodataPolicy.Explore, cancellationToken: cancellationToken));
            }
            catch (RepodataException e)
            {
                throw new SolveInputException(SolveInputError.Channel, $"channel '{location}': {e.Message}");
            }
        }
        // Only the names the solve can reach are read (a sharded channel fetches no other shard).
        IReadOnlyList<IReadOnlyList<Records.PackageRecord>> channels;
        try
        {
            channels = await ChannelSource.ReachAsync(sources, requests.Select(r => r.Spec.Name).Concat(pins.Select(p => p.Record.Name)),
                cancellationToken: cancellationToken);
        }
        catch (RepodataException e)
        {
            throw new SolveInputException(SolveInputError.Channel, e.Message);
        }
        for (var i = 0; i < sources.Count; i++)
        {
            foreach (var warning in LeftOutRecord.Warnings(options.Channels[i], sources[i].LeftOut))
            {
                warnings?.Invoke(warning);
            }
        }
        return CondaSolver.Solve(new SolveRequest
        {
            Channels = channels,
            Requests = requests,
            VirtualPackages = virtuals.ToRecords(),
            HardPins = pins,
        }, options.Priority);
    }
}
