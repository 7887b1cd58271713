namespace Beacon.Layers.Documents;

/// <summary>Which stacks deploy a layer: experimental layers only go where a stack asks for them.</summary>
public enum Stage
{
    Experimental,
    Production,
}

public static class Stages
{
    public static readonly IReadOnlyList<string> Names = ["experimental", "production"];

    public static bool TryParse(string text, out Stage stage)
    {
        switch (text)
        {
            case "experimental":
                stage = Stage.Experimental;
                return true;
            case "production":
                stage = Stage.Production;
                return true;
            default:
                stage = default;
                return false;
        }
    }

    public static string ToText(this Stage stage) => stage == Stage.Production ? "production" : "experimental";
}
