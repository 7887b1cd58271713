using System.Formats.Tar;
using System.Text;
using Beacon.Conda.Packages;
using Beacon.Conda.Records;
using Beacon.Conda.Repodata;
using Beacon.TestSupport;
using ICSharpCode.SharpZipLib.BZip2;

namespace Beacon.Conda.Tests.Packages;

/// <summary>
/// Fetching, verifying, extracting and installing real conda packages: Beacon's test channel
/// (tests/fixtures/conda/beacon-test-channel, made with Debian's cph by its make_channel.py).
/// </summary>
public sealed class PackageInstallerTests : IDisposable
{
    private const string ChannelUrl = "https://conda.example/beacon-test";
    private static readonly string Channel = Fixtures.Path("conda", "beacon-test-channel");
    private readonly TempRepo _work = new("beacon-install-");

    private static PackageRecord Record(string dist)
    {
        foreach (var subdir in new[] { "linux-64", "noarch" })
        {
            var records = new RepodataReader().ReadFile(Path.Combine(Channel, subdir, "repodata.json"), ChannelUrl, subdir);
            if (records.FirstOrDefault(r => r.DistString == dist) is { } found)
            {
                return found;
            }
        }
        throw new InvalidOperationException(dist);
    }

    private PackageCache Cache => new(_work.Path_("cache"));

    private async Task<IReadOnlyList<(PackageRecord, string)>> Fetch(params string[] dists)
    {
        var result = new List<(PackageRecord, string)>();
        foreach (var dist in dists)
        {
            var record = Record(dist);
            result.Add((record, Cache.Extract(await Cache.FetchAsync(record, Channel))));
        }
        return result;
    }

    private InstallReport Install(string root, IReadOnlyList<(PackageRecord, string)> packages, string prefix = "/opt/conda", string history = "",
        IReadOnlyDictionary<string, string>? existing = null) =>
        PackageInstaller.Install(new InstallRequest(_work.Path_(root), prefix, "3.11", new Dictionary<string, string> { ["beacon-app"] = "beacon-app" },
            existing ?? new Dictionary<string, string>(), history, "test"), packages);

    private string Installed(string root, string path) => File.ReadAllText(_work.Path_($"{root}/opt/conda/{path}"));

    [Fact]
    public async Task A_package_whose_bytes_differ_from_its_channels_sha256_is_refused_and_nothing_is_kept()
    {
        var tampered = _work.Path_("channel");
        foreach (var file in Directory.EnumerateFiles(Channel, "*", SearchOption.AllDirectories))
        {
            _work.WriteBytes(Path.Combine("channel", Path.GetRelativePath(Channel, file)), File.ReadAllBytes(file));
        }
        var archive = Path.Combine(tampered, "linux-64", "beacon-app-1.0-0.conda");
        var bytes = File.ReadAllBytes(archive);
        bytes[bytes.Length / 2] ^= 0x01; // one bit of one byte
        File.WriteAllBytes(archive, bytes);

        var record = Record("beacon-app-1.0-0");
        var e = await Assert.ThrowsAsync<PackageFetchException>(() => Cache.FetchAsync(record, tampered));
        Assert.StartsWith($"beacon-app-1.0-0.conda from {tampered}/linux-64/beacon-app-1.0-0.conda has sha256 ", e.Message, StringComparison.Ordinal);
        Assert.EndsWith($"; the lock and its channel say {record.Sha256}; nothing was installed", e.Message, StringComparison.Ordinal);
        // Nothing but the scratch space's lock (the half-fetched file went with the refusal).
        Assert.All(Directory.EnumerateFiles(_work.Path_("cache"), "*", SearchOption.AllDirectories), f => Assert.EndsWith(".lock", f, StringComparison.Ordinal));

        // The untouched channel gives the verified file, kept under its sha256.
        Assert.Equal(Path.Combine(_work.Path_("cache"), "archives", record.Sha256 + ".conda"), await Cache.FetchAsync(record, Channel));
    }

    [Fact]
    public async Task Text_placeholders_symlinks_old_style_packages_and_link_scripts()
    {
        var report = Install("root", await Fetch("python-3.11.0-0_standin", "beacon-greeting-1.0-0", "beacon-postlink-1.0-0"));
        Assert.Equal("#!/bin/sh\n# installed into /opt/conda\necho \"beacon-hello: prefix /opt/conda\"\ncat \"/opt/conda/share/beacon/greeting.txt\"\n",
            Installed("root", "bin/beacon-hello"));
        Assert.Equal("python3.11", new FileInfo(_work.Path_("root/opt/conda/bin/python")).LinkTarget);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherExecute, File.GetUnixFileMode(_work.Path_("root/opt/conda/bin/beacon-hello")));
        Assert.Equal(["beacon-postlink-1.0-0"], report.WithLinkScripts);
        Assert.Empty(report.Clobbers);
        Assert.Equal("==> 1970-01-01 00:00:00 <==\n# cmd: beacon build (layer test)\n" +
            "+https://conda.example/beacon-test::python-3.11.0-0_standin\n+https://conda.example/beacon-test::beacon-greeting-1.0-0\n" +
            "+https://conda.example/beacon-test::beacon-postlink-1.0-0\n", Installed("root", "conda-meta/history"));
    }

    [Fact]
    public async Task A_binary_placeholder_is_replaced_inside_its_string_and_padded_and_a_longer_prefix_is_refused()
    {
        var packages = await Fetch("beacon-greeting-1.0-0", "beacon-app-1.0-0");
        Install("root", packages);
        var original = File.ReadAllBytes(Path.Combine(packages[1].Item2, "bin", "beacon-app"));
        var installed = File.ReadAllBytes(_work.Path_("root/opt/conda/bin/beacon-app"));
        Assert.Equal(original.Length, installed.Length);
        var placeholder = Encoding.ASCII.GetBytes("/opt/anaconda1anaconda2anaconda3_placehold");
        var at = original.AsSpan().IndexOf(placeholder);
        Assert.True(at > 0);
        Assert.True(installed.AsSpan(at).StartsWith("/opt/conda\0"u8));
        Assert.Equal(-1, installed.AsSpan().IndexOf(placeholder));
        Snapshot.MatchFile(Installed("root", "conda-meta/beacon-app-1.0-0.json"), Path.Combine(RepoPaths.SourceDir(), "Snapshots", "beacon-app.conda-meta.json"));

        var e = Assert.Throws<PackageInstallException>(() => Install("long", packages, "/opt/" + new string('x', 200)));
        Assert.Equal($"beacon-app: bin/beacon-app is a binary file built for prefixes up to 200 characters; '/opt/{new string('x', 200)}' is 205", e.Message);
    }

    [Fact]
    public async Task Noarch_python_goes_to_site_packages_with_entry_points_as_conda_writes_them()
    {
        Install("root", await Fetch("python-3.11.0-0_standin", "beacon-py-1.0-py_0"));
        Assert.Equal("def main():\n    print('beacon-py')\n", Installed("root", "lib/python3.11/site-packages/beacon_py/__init__.py"));
        // python-scripts/ are relocated to bin/ as conda does it: their shebang is left alone.
        Assert.Equal("#!/usr/bin/env python\nimport beacon_py\nbeacon_py.main()\n", Installed("root", "bin/beacon-py-report"));
        // Entry points name the versioned interpreter, as conda (create_python_entry_point) and mamba write them.
        Assert.Equal("#!/opt/conda/bin/python3.11\n# -*- coding: utf-8 -*-\nimport re\nimport sys\n\nfrom beacon_py import main\n\n" +
            "if __name__ == '__main__':\n    sys.argv[0] = re.sub(r'(-script\\.pyw?|\\.exe)?$', '', sys.argv[0])\n    sys.exit(main())\n", Installed("root", "bin/beacon-py"));
        Assert.Contains("\"lib/python3.11/site-packages/beacon_py/__init__.py\"", Installed("root", "conda-meta/beacon-py-1.0-py_0.json"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_entry_point_past_the_shebang_limit_runs_through_sh_as_conda_writes_it()
    {
        // "#!" + prefix + "/bin/python3.11" + "\n" is 128 characters here; conda keeps a shebang of at most 127.
        var prefix = "/opt/" + new string('p', 105);
        Install("long", await Fetch("python-3.11.0-0_standin", "beacon-py-1.0-py_0"), prefix);
        var script = File.ReadAllText(_work.Path_($"long{prefix}/bin/beacon-py"));
        Assert.StartsWith($"#!/bin/sh\n'''exec' \"{prefix}/bin/python3.11\" \"$0\" \"$@\" #'''\n# -*- coding: utf-8 -*-\n", script, StringComparison.Ordinal);
        // One byte shorter, the plain shebang.
        var shorter = prefix[..^1];
        Install("short", await Fetch("python-3.11.0-0_standin", "beacon-py-1.0-py_0"), shorter);
        Assert.StartsWith($"#!{shorter}/bin/python3.11\n# -*- coding", File.ReadAllText(_work.Path_($"short{shorter}/bin/beacon-py")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("#!/opt/conda/bin/python3.11 -E\nprint(1)\n", "#!/opt/conda/bin/python3.11 -E\nprint(1)\n")] // short: as it is
    [InlineData("#!/usr/bin/env python\n", "#!/usr/bin/env python\n")]
    [InlineData("#!/srv/my\\ env/bin/python3.11 -u\nx\n", "#!/usr/bin/env python3.11 -u\nx\n")] // an escaped space in the folder
    [InlineData("no shebang\n", "no shebang\n")]
    public void Text_files_keep_their_shebang_unless_conda_would_shorten_it(string text, string expected) =>
        Assert.Equal(expected, Encoding.UTF8.GetString(PackageInstaller.ShortenLongShebang(Encoding.UTF8.GetBytes(text))));

    [Fact]
    public void A_shebang_past_127_characters_runs_its_interpreter_through_env()
    {
        var python = "/opt/" + new string('p', 120) + "/bin/python3.11";
        Assert.Equal("#!/usr/bin/env python3.11 -s\nimport x\n",
            Encoding.UTF8.GetString(PackageInstaller.ShortenLongShebang(Encoding.UTF8.GetBytes($"#!{python} -s\nimport x\n"))));
        var exactly127 = "#!/" + new string('q', 124);
        Assert.Equal(exactly127 + "\n", Encoding.UTF8.GetString(PackageInstaller.ShortenLongShebang(Encoding.UTF8.GetBytes(exactly127 + "\n"))));
    }

    [Fact]
    public async Task Two_packages_writing_one_path_are_reported_in_lock_order_also_across_layers()
    {
        var report = Install("root", await Fetch("beacon-greeting-1.0-0", "beacon-clobber-1.0-0"));
        Assert.Equal([new Clobber("share/beacon/greeting.txt", "beacon-greeting-1.0-0", "beacon-clobber-1.0-0")], report.Clobbers);
        Assert.Equal("a second package writing the same file\n", Installed("root", "share/beacon/greeting.txt"));

        var child = Install("child", await Fetch("beacon-clobber-1.0-0"), existing: new Dictionary<string, string> { ["share/beacon/greeting.txt"] = "beacon-greeting-1.0-0" });
        Assert.Equal([new Clobber("share/beacon/greeting.txt", "beacon-greeting-1.0-0", "beacon-clobber-1.0-0")], child.Clobbers);
    }

    [Fact]
    public async Task The_same_packages_give_the_same_bytes()
    {
        var packages = await Fetch("python-3.11.0-0_standin", "beacon-greeting-1.0-0", "beacon-py-1.0-py_0", "beacon-app-1.0-0");
        Install("a", packages);
        Install("b", packages);
        var a = Directory.EnumerateFiles(_work.Path_("a"), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(_work.Path_("a"), f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(a, Directory.EnumerateFiles(_work.Path_("b"), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(_work.Path_("b"), f)).Order(StringComparer.Ordinal));
        Assert.All(a, f => Assert.Equal(File.ReadAllBytes(Path.Combine(_work.Path_("a"), f)), File.ReadAllBytes(Path.Combine(_work.Path_("b"), f))));
        Assert.Contains("opt/conda/conda-meta/beacon-app-1.0-0.json", a);
    }

    [Theory]
    [InlineData("../escape.txt", null, "entry '../escape.txt' leaves the package")]
    [InlineData("/etc/passwd", null, "entry '/etc/passwd' leaves the package")]
    [InlineData("bin/link", "/etc/passwd", "symbolic link 'bin/link' points outside the package ('/etc/passwd')")]
    [InlineData("bin/link", "../../outside", "symbolic link 'bin/link' points outside the package ('../../outside')")]
    public void Archive_entries_that_leave_the_package_are_refused(string entry, string? linkTarget, string message)
    {
        var archive = _work.Path_("evil-1.0-0.tar.bz2");
        using (var file = File.Create(archive))
        using (var bz = new BZip2OutputStream(file))
        using (var tar = new TarWriter(bz, TarEntryFormat.Pax))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "info/index.json") { DataStream = new MemoryStream("{\"name\": \"evil\"}"u8.ToArray()) });
            tar.WriteEntry(linkTarget is null
                ? new PaxTarEntry(TarEntryType.RegularFile, entry) { DataStream = new MemoryStream("x"u8.ToArray()) }
                : new PaxTarEntry(TarEntryType.SymbolicLink, entry) { LinkName = linkTarget });
        }
        var e = Assert.Throws<PackageArchiveException>(() => PackageArchive.Extract(archive, _work.Path_("out")));
        Assert.Equal($"evil-1.0-0.tar.bz2: {message}", e.Message);
        Assert.False(File.Exists(_work.Path_("escape.txt")));
    }

    public void Dispose() => _work.Dispose();
}
