using System.ComponentModel;
using Spectre.Console.Cli;

namespace Beacon.Cli.Commands;

/// <summary>Options every command that reads the repository has.</summary>
public class RepositoryCommandSettings : CommandSettings
{
    [CommandOption("-C|--repo <PATH>")]
    [Description("The repository root (default: the current folder).")]
    public string? Repo { get; init; }

    [CommandOption("--json")]
    [Description("Print machine-readable JSON on stdout.")]
    public bool Json { get; init; }

    public string RepositoryRoot => Path.GetFullPath(Repo ?? Directory.GetCurrentDirectory());
}
