namespace Beacon.Images.Building;

/// <summary>
/// How one planned image is made: exactly one recipe per image, and the image's identity (its tag) is the recipe's.
/// A stack's builder decides which kind every image of its plan has, so no face can build an oci stack's image from
/// a Dockerfile, or look for a Dockerfile image under an oci identity.
/// </summary>
public abstract record ImageRecipe
{
    /// <summary>The content-addressed tag: changes exactly when what the recipe makes would change.</summary>
    public abstract string Tag { get; }
}

/// <summary>The docker builder's recipe: a Dockerfile context built on an engine.</summary>
public sealed record DockerfileRecipe(BuildContext Context) : ImageRecipe
{
    public override string Tag => Context.Tag;
}

/// <summary>
/// The oci builder's recipe: the packages of <paramref name="LockText"/> unpacked under <paramref name="Prefix"/> into one
/// layer on top of <paramref name="From"/> (the parent's tag, or the root's base image), pushed by Beacon itself.
/// </summary>
public sealed record OciRecipe(string From, string Prefix, string LockText) : ImageRecipe
{
    public override string Tag { get; } = OciIdentity.Tag(From, Prefix, LockText);
}
