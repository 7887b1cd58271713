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
}
