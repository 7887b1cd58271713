using System.Text;

namespace Beacon.Layers.Validation;

/// <summary>
/// A workload's command written as one string (<c>command: "python -m http.server 8000"</c>) becomes its argument
/// list the way a POSIX shell would split it: words separated by white space, single quotes literal, double quotes
/// with backslash escapes, a backslash escaping the next character. Nothing is expanded or run: shell syntax
/// (pipes, redirections, variables, globs, <c>;</c> and <c>&amp;</c>) is refused with a pointer to
/// <c>[sh, -c, "..."]</c>, which says plainly that a shell runs it.
/// </summary>
public static class CommandLine
{
    private const string ShellSyntax = "|&;<>()$`*?[]{}~!#";

    /// <summary>The arguments, or null and why.</summary>
    public static IReadOnlyList<string>? Split(string text, out string? problem)
    {
        problem = null;
        var args = new List<string>();
        var current = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    args.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }
                continue;
            }
            inWord = true;
            switch (c)
            {
                case '\'':
                    var close = text.IndexOf('\'', i + 1);
                    if (close < 0)
                    {
                        problem = "a single quote is not closed";
                        return null;
                    }
                    current.Append(text, i + 1, close - i - 1);
                    i = close;
                    break;
                case '"':
                    i++;
                    while (i < text.Length && text[i] != '"')
                    {
                        if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\' or '$' or '`')
                        {
                            i++;
                        }
                        else if (text[i] is '$' or '`')
                        {
                            problem = $"'{text[i]}' inside double quotes would be expanded by a shell; escape it or write the command as a list";
                            return null;
                        }
                        current.Append(text[i]);
                        i++;
                    }
                    if (i >= text.Length)
                    {
                        problem = "a double quote is not closed";
                        return null;
                    }
                    break;
                case '\\':
                    if (i + 1 >= text.Length)
                    {
                        problem = "the command ends with a lone backslash";
                        return null;
                    }
                    current.Append(text[++i]);
                    break;
                default:
                    if (ShellSyntax.Contains(c, StringComparison.Ordinal))
                    {
                        problem = $"'{c}' is shell syntax, and no shell runs a one-string command: write the command as a list, or run a shell yourself: [sh, -c, \"...\"]";
                        return null;
                    }
                    current.Append(c);
                    break;
            }
        }
        if (inWord)
        {
            args.Add(current.ToString());
        }
        if (args.Count == 0)
        {
            problem = "the command is empty";
            return null;
        }
        return args;
    }
}
