using System.Text.RegularExpressions;

namespace Beacon.Layers.Validation;

/// <summary>
/// The grammars every name must pass before it reaches a file path, an image tag, a shell line or a Kubernetes
/// object. One place, so the renderers can rely on it.
/// </summary>
public static partial class Names
{
    public const int MaxLabelLength = 63;

    /// <summary>DNS-1123 label: lower-case letters, digits and '-', starting and ending alphanumeric, at most 63.</summary>
    public static bool IsDnsLabel(string name) => name.Length is > 0 and <= MaxLabelLength && DnsLabel().IsMatch(name);

    /// <summary>Text made a DNS label: lower case, runs of other characters as one '-', trimmed to 40; null when nothing is left.</summary>
    public static string? ToDnsLabel(string text)
    {
        var label = new string(text.ToLowerInvariant().Select(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') ? c : '-').ToArray());
        label = string.Join('-', label.Split('-', StringSplitOptions.RemoveEmptyEntries));
        label = label.Length > 40 ? label[..40].TrimEnd('-') : label;
        return label.Length > 0 ? label : null;
    }

    public static string DnsLabelRule => "a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters";

    /// <summary>A conda channel name (conda-forge, bioconda, my-org/label/dev) or an http(s)/file URL.</summary>
    public static bool IsChannel(string channel) =>
        ChannelName().IsMatch(channel) || (ChannelUrl().IsMatch(channel) && Uri.TryCreate(channel, UriKind.Absolute, out _));

    /// <summary>A container image reference: [registry[:port]/]path[:tag][@sha256:digest], lower-case path.</summary>
    public static bool IsImageReference(string reference) => reference.Length <= 512 && ImageReference().IsMatch(reference);

    public static bool IsEnvironmentVariableName(string name) => EnvName().IsMatch(name);

    /// <summary>
    /// An owner as GitHub's CODEOWNERS takes it: <c>@user</c>, <c>@org/team</c>, or an e-mail address. Anything else
    /// would be ignored by GitHub (the file would name nobody) or break the line it is written on.
    /// </summary>
    public static bool IsOwner(string owner) => owner.Length <= 100 && (GitHubOwner().IsMatch(owner) || EmailOwner().IsMatch(owner));

    public const string OwnerRule = "@user, @org/team or an e-mail address (as GitHub's CODEOWNERS takes them)";

    /// <summary>
    /// An environment prefix (where conda packages are installed in an image): absolute, plain segments, at most 128
    /// characters — shorter than conda's 255-character build placeholder, so binary prefix replacement always fits,
    /// and safe in an ENV line, a shell script's shebang and a JSON record.
    /// </summary>
    public static bool IsPrefix(string path) => path.Length is > 1 and <= 128 && Prefix().IsMatch(path);

    public const string PrefixRule = "plain segments ([A-Za-z0-9_][A-Za-z0-9_.-]*) of at most 128 characters, such as /opt/conda";


    /// <summary>Text that becomes one shell line or value: no control characters (newlines would start a new command).</summary>
    public static bool IsSingleLine(string text) => !text.Any(c => char.IsControl(c) && c != '\t');

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$")]
    private static partial Regex ChannelName();

    [GeneratedRegex(@"^(https?|file)://[A-Za-z0-9._~:/?#@!$&*+,;=%-]+$")]
    private static partial Regex ChannelUrl();

    [GeneratedRegex(@"^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$")]
    private static partial Regex ImageReference();

    [GeneratedRegex("^(/[A-Za-z0-9_][A-Za-z0-9_.-]*)+$")]
    private static partial Regex Prefix();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvName();

    [GeneratedRegex("^@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:/[A-Za-z0-9][A-Za-z0-9._-]*)?$")]
    private static partial Regex GitHubOwner();

    [GeneratedRegex("^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}$")]
    private static partial Regex EmailOwner();


}
