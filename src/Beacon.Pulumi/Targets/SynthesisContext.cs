using Beacon.Images.Planning;
using Beacon.Pulumi.Model;

namespace Beacon.Pulumi.Targets;

/// <summary>What a cloud target needs: the plan, the program being written, and where the build files were put.</summary>
public sealed record SynthesisContext(Plan Plan, PulumiProgram Program, string BuildDirectory)
{
    public string ContextPath(string layer) => $"{BuildDirectory}/{layer}";
    public string ComposePath(string group) => $"{BuildDirectory}/compose/{group}.yaml";
}

/// <summary>One cloud's mapping of the plan to Pulumi resources.</summary>
public interface ICloudTarget
{
    void Emit(SynthesisContext context);
}
