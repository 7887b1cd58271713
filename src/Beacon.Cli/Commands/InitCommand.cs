using Beacon.Conda.Parsing;
using Beacon.Conda.Net;
using System.CommandLine;
using Beacon.Cli.Hosting;
using Beacon.Cli.Output;
using Beacon.GitOps.Scaffolding;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Documents;
using Beacon.Layers.Git;
using Beacon.Layers.Validation;
using Beacon.Layers.Rendering;

namespace Beacon.Cli.Commands;

/// <summary><c>beacon init &lt;dir&gt;</c>: a new organisation's repository that passes <c>beacon pipeline</c> at once.</summary>
internal static class InitCommand
{
    public static Command Create(CliConsole console)
    {
        var directory = Options.Required("dir", "The new repository's folder (must not exist, or be empty).");
        var cloud = Options.Text("--cloud", "Add a stack for this cloud next to the local one: aws, gcp, azure or kubernetes.", "cloud");
        cloud.AcceptOnlyFromAmong("aws", "gcp", "azure", "kubernetes");
        var owner = Options.Text("--owner", "The root layer's owner (@org/team, @user or an e-mail); default: git config user.email.", "owner");
        var name = Options.Text("--name", "The organisation's short name, which names the stacks; default: the folder's name.", "name");
        var channel = Options.Text("--channel", "Where conda-forge is read from (a URL, or a channel folder); default: https://conda.anaconda.org/conda-forge.", "channel");
        var source = Options.Text("--source", "The Beacon repository ./beacon builds from (git URL or path); default: the one this beacon was built from.", "git-url");
        var beaconRef = Options.Text("--ref", "The Beacon commit ./beacon pins; default: that repository's HEAD.", "commit");
        var add = Options.List("--add", "The root layer's conda specs, instead of python 3.11.*, numpy, pandas (repeat it: --add python --add polars).", "spec", "-a");
        var offline = Options.Offline();
        var command = new Command("init", "Create a new organisation's repository: root layer and its lock, beacon.yaml, Pulumi.yaml, a local stack (and a cloud one), the GitHub workflows, CODEOWNERS, .gitignore.")
        {
            directory, cloud, owner, name, channel, source, beaconRef, add, offline,
        };
        command.SetAction((parse, token) => RunAsync(new CommandRun(console, "init", json: false), parse.GetValue(directory)!, parse.GetValue(cloud),
            parse.GetValue(owner), parse.GetValue(name), parse.GetValue(channel), parse.GetValue(source), parse.GetValue(beaconRef),
            parse.GetValue(add) is { Length: > 0 } specs ? specs : null, parse.GetValue(offline), token));
        return command;
    }

    private static async Task<int> RunAsync(CommandRun run, string directory, string? cloud, string? owner, string? name, string? channel, string? source,
        string? beaconRef, string[]? dependencies, bool offline, CancellationToken token)
    {
        var target = run.Console.FullPath(directory);
        var checkout = BeaconCheckout();
        source ??= checkout is null ? null : GitOrigin(checkout) ?? checkout;
        beaconRef ??= checkout is null ? null : Head(checkout);
        if (source is null || beaconRef is null)
        {
            return run.Fail(DiagnosticCode.InvalidCommandLine, "this beacon was not built from a Beacon checkout: name the Beacon repository with --source and its commit with --ref");
        }
        owner ??= GitCli.Config(run.Console.CurrentDirectory, "user.email");
        if (owner is null)
        {
            return run.Fail(DiagnosticCode.InvalidCommandLine, "name the root layer's owner with --owner (@org/team, @user or an e-mail): git has no user.email");
        }
        channel ??= InitOptions.DefaultChannel;
        if (channel.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            channel = run.Console.FullPath(channel);
        }
        else if (!channel.Contains("://", StringComparison.Ordinal) && !Path.IsPathFullyQualified(channel))
        {
            // A folder given relative to here stays relative in beacon.yaml, which resolves it against the repository.
            channel = Path.GetRelativePath(target, run.Console.FullPath(channel)).Replace(Path.DirectorySeparatorChar, '/');
        }
        var options = new InitOptions
        {
            Organisation = name ?? Path.GetFileName(target.TrimEnd(Path.DirectorySeparatorChar)),
            Owner = owner,
            Cloud = cloud is null ? null : CloudTargets.TryParse(cloud, out var c) ? c : null,
            Channel = channel,
            Dependencies = dependencies,
            BeaconSource = source,
            BeaconRef = beaconRef,
        };
        using var http = BeaconHttp.Create();
        var result = await RepositoryInitializer.InitAsync(target, directory, options, ChannelAccess.Loader(run.Console, http, offline), token);
        if (result is InitRefused refused)
        {
            run.Report(refused.Diagnostics);
            return run.Fail(refused.Code, refused.Message, refused.Code is DiagnosticCode.LayerNotLockable ? ExitCodes.CheckFailed : ExitCodes.InvalidInput);
        }
        var done = (Initialized)result;
        foreach (var file in done.Files)
        {
            run.Out.WriteLine($"  {file}");
        }
        run.Out.WriteLine($"created {done.Directory}: {Plural.Of(done.Files.Count, "file")}; next: cd {directory} && git init && ./beacon pipeline --stack {options.Organisation}-local");
        return ExitCodes.Success;
    }

    /// <summary>The Beacon checkout this executable was built in (.beacon/cli/beacon, or bin/… of src/Beacon.Cli), if any.</summary>
    private static string? BeaconCheckout()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Beacon.Iac.sln")))
            {
                return dir.FullName;
            }
        }
        return null;
    }

    private static string? GitOrigin(string checkout)
    {
        var url = GitCli.Config(checkout, "remote.origin.url");
        return url is not null && !url.StartsWith('-') ? url : null;
    }

    private static string? Head(string checkout)
    {
        try
        {
            return GitCli.RunText(checkout, "rev-parse", "HEAD").Trim();
        }
        catch (GitException)
        {
            return null;
        }
    }
}
