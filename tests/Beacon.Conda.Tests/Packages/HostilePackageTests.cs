using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using Beacon.Conda.Packages;
using Beacon.Conda.Records;
using Beacon.Conda.Repodata;
using Beacon.TestSupport;
using Beacon.TestSupport.Conda;

namespace Beacon.Conda.Tests.Packages;

/// <summary>
/// The hostile-package corpus: packages a compromised or typosquatted upload could carry, each served by a channel
/// whose record names its true sha256 (so the gate passes it), fetched, extracted and installed as the oci builder
/// does. Each case installs correctly or is refused with a package error (which <c>beacon build</c> reports as
/// BEA0617); after every case the canary folder beside the cache is byte for byte as it was, and no installed file
/// holds a byte of its secret.
/// </summary>
public sealed class HostilePackageTests : IDisposable
{
    private readonly TempRepo _work = new("beacon-hostile-");
    private readonly string _secret = "CANARY-SECRET-" + Guid.NewGuid().ToString("N");

    public HostilePackageTests()
    {
        _work.Write("canary/secret", _secret);
        _work.Write("canary/existing.sh", "#!/bin/sh\necho untouched\n");
    }

    // The cache extracts into cache/scratch/<id>/<name>: four folders below the work folder, so from the package's root
    // "../../../../canary" is the canary. Lexically, a/b/c/d/up/../../../../canary stays inside (a/canary); really, up is
    // the package root and the same path climbs out of it.
    private const string Up = "a/b/c/d/up";
    private const string Escape = "a/b/c/d/esc";

    private static CondaPackageBuilder Chain(string name) =>
        new CondaPackageBuilder(name).Symlink(Up, "../../../..").Symlink(Escape, "up/../../../../canary");

    public static TheoryData<string> Cases => [.. Corpus.Keys];

    private static readonly Dictionary<string, (Func<CondaPackageBuilder> Package, string? Refusal)> Corpus = new()
    {
        ["file-through-a-link-chain"] = (() => Chain("p").File($"{Escape}/planted.sh", "#!/bin/sh\necho planted\n"), "would be written through the symbolic link 'a/b/c/d/esc'"),
        ["host-file-replaced-through-a-link-chain"] = (() => Chain("p").File($"{Escape}/existing.sh", "replaced\n"), "would be written through the symbolic link 'a/b/c/d/esc'"),
        ["folder-through-a-link-chain"] = (() => Chain("p").Folder($"{Escape}/newdir"), "would be written through the symbolic link 'a/b/c/d/esc'"),
        ["a-link-chain-alone"] = (() => Chain("p"), "symbolic link 'a/b/c/d/esc' leads outside the package through other links"),
        ["hard-link-through-a-link-chain"] = (() => Chain("p").HardLink("share/stolen.txt", $"{Escape}/secret"), "hard link 'share/stolen.txt' names no regular file this package extracted earlier"),
        ["hard-link-to-a-link"] = (() => new CondaPackageBuilder("p").Symlink("lib/l", "real.txt").HardLink("share/h", "lib/l"), "hard link 'share/h' names no regular file"),
        ["hard-link-to-a-later-file"] = (() => new CondaPackageBuilder("p").HardLink("share/h", "share/later.txt").File("share/later.txt", "x"), "hard link 'share/h' names no regular file"),
        ["hard-link-to-an-earlier-file"] = (() => new CondaPackageBuilder("p").File("share/first.txt", "first\n").HardLink("share/second.txt", "share/first.txt"), null),
        ["absolute-symbolic-link"] = (() => new CondaPackageBuilder("p").Symlink("etc/passwd", "/etc/passwd"), "symbolic link 'etc/passwd' points outside the package"),
        ["symbolic-link-climbing-out"] = (() => new CondaPackageBuilder("p").Symlink("lib/up", "../../canary"), "symbolic link 'lib/up' points outside the package"),
        ["entry-climbing-out"] = (() => new CondaPackageBuilder("p").File("../../../../canary/planted", "x"),
            "p-1.0-0.conda: info/paths.json lists '../../../../canary/planted', which is not a plain path inside the package"),
        ["unlisted-entry-climbing-out"] = (() => new CondaPackageBuilder("p").Raw(() => new PaxTarEntry(TarEntryType.RegularFile, "../../../../canary/planted") { DataStream = new MemoryStream([1]) }),
            "p-1.0-0.conda: entry '../../../../canary/planted' leaves the package"),
        ["absolute-entry"] = (() => new CondaPackageBuilder("p").Raw(() => new PaxTarEntry(TarEntryType.RegularFile, "/tmp/beacon-planted") { DataStream = new MemoryStream([1]) }), "leaves the package"),
        ["file-over-a-folder"] = (() => new CondaPackageBuilder("p").Folder("lib/x").File("lib/x", "x"), "entry 'lib/x' is a file where the package already put a folder"),
        ["folder-over-a-file"] = (() => new CondaPackageBuilder("p").File("lib/x", "x").Folder("lib/x"), "entry 'lib/x' is a folder where the package already put a file or link"),
        ["file-under-a-file"] = (() => new CondaPackageBuilder("p").File("lib/x", "x").File("lib/x/y", "y"), "needs a folder where the package put the file 'lib/x'"),
        ["character-device"] = (() => new CondaPackageBuilder("p").Raw(() => new PaxTarEntry(TarEntryType.CharacterDevice, "dev/null") { DeviceMajor = 1, DeviceMinor = 3 }), "is a CharacterDevice, which a package may not hold"),
        ["fifo"] = (() => new CondaPackageBuilder("p").Raw(() => new PaxTarEntry(TarEntryType.Fifo, "lib/pipe")), "is a Fifo, which a package may not hold"),
        ["nul-in-a-path"] = (() => new CondaPackageBuilder("p").Raw(() => new PaxTarEntry(TarEntryType.RegularFile, "lib/a\0b") { DataStream = new MemoryStream([1]) }), "leaves the package"),
        ["paths-json-calls-a-file-a-link"] = (() => new CondaPackageBuilder("p").File("lib/a", "a").PathsJson("{\"paths\":[{\"_path\":\"lib/a\",\"path_type\":\"softlink\"}]}"),
            "its paths.json lists 'lib/a' as a symbolic link, but the archive holds a regular file there"),
        ["paths-json-lists-a-missing-file"] = (() => new CondaPackageBuilder("p").Listed("lib/ghost"), "its paths.json lists 'lib/ghost' as a file, but the archive holds nothing there"),
        ["paths-json-lists-a-folder-as-a-file"] = (() => new CondaPackageBuilder("p").Folder("lib/d").Listed("lib/d"), "its paths.json lists 'lib/d' as a file, but the archive holds a folder there"),
        ["paths-json-lists-a-file-behind-a-link"] = (() => new CondaPackageBuilder("p").File("real/data.txt", "data\n").Symlink("alias", "real").Listed("alias/data.txt"),
            "its paths.json lists 'alias/data.txt', which lies behind a symbolic link in the package"),
        ["paths-json-lists-a-path-climbing-out"] = (() => new CondaPackageBuilder("p").Listed("../canary/secret"), "lists '../canary/secret', which is not a plain path inside the package"),
        ["paths-json-sha256-lies"] = (() => new CondaPackageBuilder("p").File("lib/a", "a").PathsJson($"{{\"paths\":[{{\"_path\":\"lib/a\",\"path_type\":\"hardlink\",\"sha256\":\"{new string('0', 64)}\",\"size_in_bytes\":1}}]}}"),
            $"'lib/a' has sha256 {Convert.ToHexStringLower(SHA256.HashData("a"u8))}; its paths.json says {new string('0', 64)}"),
        ["paths-json-size-lies"] = (() => new CondaPackageBuilder("p").File("lib/a", "a").PathsJson("{\"paths\":[{\"_path\":\"lib/a\",\"path_type\":\"hardlink\",\"size_in_bytes\":2}]}"),
            "entry 'lib/a' is 1 bytes; its paths.json says 2"),
        ["a-file-larger-than-paths-json-says"] = (() => new CondaPackageBuilder("p").Zeros("lib/bomb", 1L << 30, declared: 5), "entry 'lib/bomb' is 1073741824 bytes; its paths.json says 5"),
        ["paths-json-declares-a-bomb"] = (() => new CondaPackageBuilder("p").Listed("lib/huge", size: 40L << 30), "its paths.json declares 40 GiB, more than the 32 GiB a package may expand to"),
        ["conda-meta-written-by-a-package"] = (() => new CondaPackageBuilder("p").File("conda-meta/history", "forged\n"), "'conda-meta/history' is in conda-meta/, which only the installer writes"),
        ["truncated-archive"] = (() => new CondaPackageBuilder("p") { TruncateTo = 200 }.File("lib/a", new string('a', 4000)), "p-1.0-0.conda cannot be extracted: End of Central Directory record could not be found"),
        ["links-to-folders"] = (() => new CondaPackageBuilder("p").File("lib/real/data.txt", "through the link\n").Symlink("lib/alias", "real").Symlink("lib/self", "."), null),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_hostile_package_installs_correctly_or_is_refused_and_the_host_is_untouched(string name)
    {
        var (package, refusal) = Corpus[name];
        var before = Canary();
        var error = await Record.ExceptionAsync(() => Install(package()));
        if (refusal is null)
        {
            Assert.Null(error);
        }
        else
        {
            Assert.NotNull(error);
            Assert.True(error is PackageArchiveException or PackageInstallException, $"{error.GetType().Name}: {error.Message}");
            Assert.True(error.Message.Contains(refusal, StringComparison.Ordinal), error.Message);
        }
        Assert.Equal(before, Canary());
        Assert.False(File.Exists("/tmp/beacon-planted"));
        var secret = Encoding.UTF8.GetBytes(_secret);
        var installed = Directory.Exists(_work.Path_("root"))
            ? Directory.EnumerateFiles(_work.Path_("root"), "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            : [];
        foreach (var file in installed)
        {
            if (new FileInfo(file).LinkTarget is null)
            {
                Assert.True(File.ReadAllBytes(file).AsSpan().IndexOf(secret) < 0, $"{file} holds the canary's secret");
            }
        }
    }

    [Fact]
    public async Task Links_to_folders_are_installed_as_links_and_read_through()
    {
        await Install(Corpus["links-to-folders"].Package());
        var prefix = _work.Path_("root/opt/conda");
        Assert.Equal("real", new FileInfo(Path.Combine(prefix, "lib/alias")).LinkTarget);
        Assert.Equal(".", new FileInfo(Path.Combine(prefix, "lib/self")).LinkTarget);
        Assert.Equal("through the link\n", File.ReadAllText(Path.Combine(prefix, "lib/alias/data.txt")));
    }

    [Fact]
    public async Task A_later_package_never_writes_through_an_earlier_packages_link_out_of_the_prefix()
    {
        // What the archive check refuses, the installer must refuse on its own: an extracted folder holding a link to
        // the canary (as an older cache, or a bug, could leave it), then another package's file under that link.
        var canary = _work.Path_("canary");
        var linker = HandMade("linker", ("lib/x", canary));
        var writer = HandMade("writer", ("lib/x/planted.sh", null));
        var before = Canary();
        var e = Assert.Throws<PackageInstallException>(() => PackageInstaller.Install(Request(), [(Fake("linker"), linker), (Fake("writer"), writer)]));
        Assert.Contains($"writer-1.0-0: 'lib/x/planted.sh' would be written outside the prefix (to '{canary}') through an installed symbolic link", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, Canary());
    }

    [Fact]
    public void A_folder_of_a_later_package_where_a_file_is_installed_is_refused()
    {
        var file = HandMade("file", ("lib/x", null));
        var folder = HandMade("folder", ("lib/x/y", null));
        var e = Assert.Throws<PackageInstallException>(() => PackageInstaller.Install(Request(), [(Fake("file"), file), (Fake("folder"), folder)]));
        Assert.Equal("folder-1.0-0: 'lib/x/y' needs a folder where the file 'lib/x' is installed", e.Message);
    }

    private async Task Install(CondaPackageBuilder package)
    {
        var channel = _work.Path_("channel-" + Guid.NewGuid().ToString("N")[..6]);
        CondaPackageBuilder.Channel(channel, package);
        var record = new RepodataReader().ReadFile(Path.Combine(channel, "linux-64", "repodata.json"), "https://conda.example/hostile", "linux-64").Single();
        using var cache = new PackageCache(_work.Path_("cache"));
        var extracted = cache.Extract(await cache.FetchAsync(record, channel), record.FileName);
        PackageInstaller.Install(Request(), [(record, extracted)]);
    }

    private InstallRequest Request() =>
        new(_work.Path_("root"), "/opt/conda", "3.11", new Dictionary<string, string>(), new Dictionary<string, string>(), "", "hostile");

    private static PackageRecord Fake(string name) => new RepodataReader().Read(Encoding.UTF8.GetBytes(
        $"{{\"packages\":{{\"{name}-1.0-0.tar.bz2\":{{\"name\":\"{name}\",\"version\":\"1.0\",\"build\":\"0\",\"build_number\":0,\"depends\":[],\"subdir\":\"linux-64\",\"sha256\":\"{new string('0', 64)}\"}}}}}}"),
        "https://conda.example/hostile", "linux-64").Single();

    /// <summary>An extracted package made by hand (no archive check ran): files, or links when a target is given.</summary>
    private string HandMade(string name, params (string Path, string? LinkTarget)[] entries)
    {
        var root = _work.Path_($"handmade/{name}");
        _work.Write($"handmade/{name}/info/index.json", $"{{\"name\":\"{name}\",\"version\":\"1.0\",\"build\":\"0\"}}");
        var paths = new List<string>();
        foreach (var (path, target) in entries)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, path))!);
            if (target is null)
            {
                File.WriteAllText(Path.Combine(root, path), "x");
                paths.Add($"{{\"_path\":\"{path}\",\"path_type\":\"hardlink\"}}");
            }
            else
            {
                File.CreateSymbolicLink(Path.Combine(root, path), target);
                paths.Add($"{{\"_path\":\"{path}\",\"path_type\":\"softlink\"}}");
            }
        }
        _work.Write($"handmade/{name}/info/paths.json", $"{{\"paths\":[{string.Join(',', paths)}],\"paths_version\":1}}");
        return root;
    }

    /// <summary>Every entry of the canary folder with its bytes or link target.</summary>
    private string Canary() => string.Join("\n", Directory.EnumerateFileSystemEntries(_work.Path_("canary"), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
        .Select(p => $"{p} {new FileInfo(p).LinkTarget ?? (File.Exists(p) ? Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(p))) : "folder")}"));

    public void Dispose() => _work.Dispose();
}
