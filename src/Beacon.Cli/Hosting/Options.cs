using System.CommandLine;
using System.CommandLine.Parsing;

namespace Beacon.Cli.Hosting;

/// <summary>
/// The options and arguments every command builds from. Text options refuse a value that starts with '-': without
/// it, `render --out --stack x` would take "--stack" as the folder.
/// </summary>
internal static class Options
{
    public static Option<string?> Repo() => Text("--repo", "The repository root (default: the current folder).", "path", "-C");

    public static Option<bool> Json(string description = "Print one JSON document on stdout (also when the command fails).") =>
        new("--json") { Description = description };

    public static Option<string?> Stack(string description = "The stack (stacks/Pulumi.<stack>.yaml).", bool required = false)
    {
        var option = Text("--stack", description, "stack", "-s");
        option.Required = required;
        return option;
    }

    public static Option<string?> Text(string name, string description, string valueName, params string[] aliases)
    {
        var option = new Option<string?>(name, aliases) { Description = description, HelpName = valueName };
        option.Validators.Add(result => RefuseOptionLikeValues(result, name));
        return option;
    }

    /// <summary>A repeatable option; a required one has no default, so leaving it out is an error.</summary>
    public static Option<string[]> List(string name, string description, string valueName, params string[] aliases) => List(name, description, valueName, false, aliases);

    public static Option<string[]> List(string name, string description, string valueName, bool required, params string[] aliases)
    {
        var option = new Option<string[]>(name, aliases) { Description = description + " Repeatable.", HelpName = valueName, Required = required };
        if (!required)
        {
            option.DefaultValueFactory = _ => [];
        }
        option.Validators.Add(result => RefuseOptionLikeValues(result, name));
        return option;
    }

    /// <summary><c>--format github</c>: findings also as GitHub Actions annotations on stdout (for workflows).</summary>
    public static Option<string> DiagnosticFormat()
    {
        var format = new Option<string>("--format") { Description = "text (default), or github: findings also as GitHub Actions annotations on stdout.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "github");
        return format;
    }

    /// <summary>http(s) channels from the verified cache only (local channel folders are read as they are).</summary>
    public static Option<bool> Offline() => Flag("--offline", "Read http channels from the verified cache only; never touch the network.");

    public static Option<bool> Flag(string name, string description, params string[] aliases) => new(name, aliases) { Description = description };

    /// <summary>Zero or more names or specs; anything that looks like an option is an unknown option.</summary>
    public static Argument<string[]> Many(string name, string description)
    {
        var argument = new Argument<string[]>(name) { Description = description, Arity = ArgumentArity.ZeroOrMore, DefaultValueFactory = _ => [] };
        argument.Validators.Add(RefuseOptionLikeArguments);
        return argument;
    }

    public static Argument<string?> Optional(string name, string description)
    {
        var argument = new Argument<string?>(name) { Description = description, Arity = ArgumentArity.ZeroOrOne };
        argument.Validators.Add(RefuseOptionLikeArguments);
        return argument;
    }

    public static Argument<string> Required(string name, string description)
    {
        var argument = new Argument<string>(name) { Description = description, Arity = ArgumentArity.ExactlyOne };
        argument.Validators.Add(RefuseOptionLikeArguments);
        return argument;
    }

    private static void RefuseOptionLikeValues(OptionResult result, string name)
    {
        foreach (var token in result.Tokens.Where(t => t.Value.StartsWith('-')))
        {
            result.AddError($"option '{name}' needs a value; '{token.Value}' looks like an option (write ./{token.Value} for a path that starts with '-')");
        }
    }

    private static void RefuseOptionLikeArguments(ArgumentResult result)
    {
        foreach (var token in result.Tokens.Where(t => t.Value.StartsWith('-')))
        {
            result.AddError($"unknown option '{token.Value}'");
        }
    }
}
