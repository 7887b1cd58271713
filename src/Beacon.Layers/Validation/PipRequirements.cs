using System.Text.RegularExpressions;

namespace Beacon.Layers.Validation;

/// <summary>
/// The pip requirements a layer may list (<c>dependencies: [- pip: [...]]</c>): a PEP 508 name with optional extras,
/// version specifiers and an environment marker. They are installed by pip from its index inside the image build, so
/// Beacon does not verify them the way it verifies conda records: nothing that changes where pip looks is accepted —
/// no options (<c>--index-url</c>), no direct references (<c>name @ url</c>), no other requirement files.
/// </summary>
public static partial class PipRequirements
{
    /// <summary>Null when valid; otherwise why not.</summary>
    public static string? Check(string requirement)
    {
        if (requirement.Length == 0 || requirement.Length > 200)
        {
            return "a pip requirement is one line of at most 200 characters, such as 'requests-toolbelt ==1.0.0'";
        }
        if (requirement.StartsWith('-') || requirement.Contains(" -", StringComparison.Ordinal))
        {
            return $"'{requirement}' carries a pip option; options (an index, a requirements file, an editable install) change where pip looks and are not accepted";
        }
        if (requirement.Contains('@', StringComparison.Ordinal))
        {
            return $"'{requirement}' is a direct reference (name @ url); list a name and version from the index instead";
        }
        return Requirement().IsMatch(requirement)
            ? null
            : $"'{requirement}' is not a pip requirement (a name, optional [extras], versions such as '>=1.0,<2' and an optional '; marker')";
    }

    // name [extras] (specifiers) ; marker — a conservative subset of PEP 508's grammar.
    [GeneratedRegex("""^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?(?:\[[A-Za-z0-9._, -]+\])?\s*(?:\(?\s*(?:===|==|!=|<=|>=|~=|<|>)\s*[A-Za-z0-9.*+!_-]+(?:\s*,\s*(?:===|==|!=|<=|>=|~=|<|>)\s*[A-Za-z0-9.*+!_-]+)*\s*\)?)?\s*(?:;\s*[A-Za-z0-9_.<>=!~"'() -]+)?$""")]
    private static partial Regex Requirement();
}
