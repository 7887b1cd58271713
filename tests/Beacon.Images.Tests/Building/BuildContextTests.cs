using Beacon.Conda.Locks;
using Beacon.Images.Building;
using Beacon.Images.Naming;

namespace Beacon.Images.Tests.Building;

public class BuildContextTests
{
    private const string ParentLock = "# platform: linux-64\n@EXPLICIT\nhttps://c/linux-64/a-1-0.conda#sha256:0000000000000000000000000000000000000000000000000000000000000000\n";
    private const string ChildLock = ParentLock + "https://c/linux-64/b-2-0.conda#sha256:1111111111111111111111111111111111111111111111111111111111111111\n";

    [Fact]
    public void The_tag_is_a_pure_function_of_parent_tag_lock_and_template()
    {
        Assert.Equal(BuildContext.ComputeTag("p1", ChildLock), BuildContext.ComputeTag("p1", ChildLock));
        Assert.NotEqual(BuildContext.ComputeTag("p1", ChildLock), BuildContext.ComputeTag("p2", ChildLock));
        Assert.NotEqual(BuildContext.ComputeTag("p1", ChildLock), BuildContext.ComputeTag("p1", ChildLock + "\n"));
        Assert.Matches("^[0-9a-f]{20}$", BuildContext.ComputeTag("p1", ChildLock));
    }

    [Fact]
    public void A_child_installs_only_what_its_parent_lacks_from_its_parents_image()
    {
        var parentImage = ImageReference.ForLayer("127.0.0.1:5000", "core", "abc");
        var context = BuildContext.ForChild("child", parentImage, ExplicitLock.Parse(ChildLock).Value!, ExplicitLock.Parse(ParentLock).Value!, ChildLock, "unknown");
        var delta = ExplicitLock.Parse(context.LockText).Value!;
        Assert.Equal(["b"], delta.Packages.Select(p => p.Name));
        Assert.Contains($"ARG {BuildContext.ParentImageArg}=127.0.0.1:5000/core:abc\n", context.Dockerfile, StringComparison.Ordinal);
        Assert.Contains("USER 10001:10001", context.Dockerfile, StringComparison.Ordinal);
        Assert.Equal(BuildContext.ComputeTag("abc", ChildLock), context.Tag);
    }

    [Fact]
    public void Pip_requirements_are_a_file_of_the_context_that_pip_installs_without_dependencies_and_part_of_the_tag()
    {
        var parentImage = ImageReference.ForLayer("127.0.0.1:5000", "core", "abc");
        var lockFile = ExplicitLock.Parse(ChildLock).Value!;
        var parentLock = ExplicitLock.Parse(ParentLock).Value!;
        var plain = BuildContext.ForChild("child", parentImage, lockFile, parentLock, ChildLock, "unknown");
        var withPip = BuildContext.ForChild("child", parentImage, lockFile, parentLock, ChildLock, "unknown", ["requests-toolbelt ==1.0.0", "sentry-sdk[flask] >=2"]);

        Assert.Equal(["Dockerfile", "child.delta.lock"], plain.Files.Select(f => f.Key));
        Assert.Equal(["Dockerfile", "child.delta.lock", "child.pip.txt"], withPip.Files.Select(f => f.Key));
        Assert.Equal("requests-toolbelt ==1.0.0\nsentry-sdk[flask] >=2\n", withPip.PipText);
        Assert.Contains("RUN micromamba run --name base python -m pip install --no-deps --no-cache-dir --requirement /opt/beacon/child.pip.txt", withPip.Dockerfile, StringComparison.Ordinal);
        Assert.DoesNotContain("pip", plain.Dockerfile, StringComparison.Ordinal);
        // Identity: a layer without pip keeps its tag; adding or changing a requirement retags it.
        Assert.Equal(BuildContext.ComputeTag("abc", ChildLock), plain.Tag);
        Assert.NotEqual(plain.Tag, withPip.Tag);
        Assert.NotEqual(withPip.Tag, BuildContext.ForChild("child", parentImage, lockFile, parentLock, ChildLock, "unknown", ["requests-toolbelt ==1.0.1"]).Tag);
    }

    [Theory]
    [InlineData("--index-url https://evil.example/simple")]
    [InlineData("requests --extra-index-url https://evil.example")]
    [InlineData("evil @ https://evil.example/evil.whl")]
    [InlineData("-r /etc/passwd")]
    [InlineData("requests; os.system('x')`")]
    public void A_requirement_that_would_change_where_pip_looks_never_reaches_the_context(string requirement)
    {
        var parentImage = ImageReference.ForLayer("127.0.0.1:5000", "core", "abc");
        Assert.Throws<ArgumentException>(() => BuildContext.ForChild("child", parentImage, ExplicitLock.Parse(ChildLock).Value!, ExplicitLock.Parse(ParentLock).Value!,
            ChildLock, "unknown", [requirement]));
    }
}
