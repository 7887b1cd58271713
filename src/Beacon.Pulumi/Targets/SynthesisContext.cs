using Beacon.Images.Rendering;
using Beacon.Images.Planning;
using Beacon.Pulumi.Model;

namespace Beacon.Pulumi.Targets;

/// <summary>What a cloud target needs: the plan, the program being written, and where the build files were put.</summary>
public sealed record SynthesisContext(Plan Plan, PulumiProgram Program)
{
    public string ContextPath(string layer) => BuildPaths.Context(Plan.Stack.Name, layer);
    public string ComposePath(string group) => BuildPaths.Compose(Plan.Stack.Name, group);
}

/// <summary>One cloud's mapping of the plan to Pulumi resources.</summary>
public interface ICloudTarget
{
    void Emit(SynthesisContext context);
}
