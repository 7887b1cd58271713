using Beacon.Conda.Channels;
using Beacon.Conda.Locks;
using Beacon.Conda.Repodata;
using Beacon.Conda.Specs;
using Beacon.Conda.VirtualPackages;

namespace Beacon.Conda.Solver;

/// <summary>What <c>beacon solve</c> asks for, as plain data.</summary>
public sealed record SolveJobOptions
{
    public required IReadOnlyList<string> Channels { get; init; }
    public required IReadOnlyList<string> Specs { get; init; }
    public string Platform { get; init; } = "linux-64";
    /// <summary>name → version; an empty version removes that virtual package ("no CUDA driver").</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Virtual { get; init; } = [];
    public string? PinFile { get; init; }
    public ChannelPriority Priority { get; init; } = ChannelPriority.Strict;
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
            throw new SolveInputException(SolveInputError.Platform, $"--platform '{options.Platform}' is not a conda platform such as linux-64");
        }
        var requests = new List<Request>();
        foreach (var text in options.Specs)
        {
            var parsed = MatchSpec.TryParse(text);
            if (!parsed.Success)
            {
                throw new SolveInputException(SolveInputError.Spec, $"'{text}' is not a valid conda MatchSpec: {parsed.Error.Message}");
            }
            requests.Add(new Request(parsed.Value));
        }
        var virtuals = VirtualPackageSet.Detect(options.Platform);
        foreach (var (name, value) in options.Virtual)
        {
            if (!name.StartsWith("__", StringComparison.Ordinal) || (value.Length > 0 && !Versions.Version.TryParse(value).Success))
            {
                throw new SolveInputException(SolveInputError.VirtualPackage, $"--virtual {name}={value}: expected __name=version, e.g. __cuda=12.1 (empty to remove)");
            }
            virtuals = virtuals.With(name, value);
        }
        var pins = new List<HardPin>();
        if (options.PinFile is { } pinFile)
        {
            if (!File.Exists(pinFile))
            {
                throw new SolveInputException(SolveInputError.MissingFile, $"--pin-file '{pinFile}' does not exist");
            }
            var parsed = ExplicitLock.Parse(File.ReadAllText(pinFile));
            if (!parsed.Success)
            {
                throw new SolveInputException(SolveInputError.InvalidLock, $"--pin-file '{pinFile}': {parsed.Error.Message}");
            }
            pins.AddRange(parsed.Value.Packages.Select(p => new HardPin(p.ToRecord(), $"'{Path.GetFileName(pinFile)}'")));
        }
        var channels = new List<IReadOnlyList<Records.PackageRecord>>();
        foreach (var location in options.Channels)
        {
            try
            {
                channels.Add((await loader.LoadAsync(location, [options.Platform, Specs.Subdirs.NoArch], warnings: warnings, cancellationToken: cancellationToken)).Records);
            }
            catch (RepodataException e)
            {
                throw new SolveInputException(SolveInputError.Channel, $"channel '{location}': {e.Message}");
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
