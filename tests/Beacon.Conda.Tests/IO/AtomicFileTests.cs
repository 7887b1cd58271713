using System.Text;
using Beacon.TestSupport;

namespace Beacon.Conda.Tests.IO;

/// <summary>Issue 10, defect 7: a set of files is written completely or not at all, and what a killed writer left is cleaned.</summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly TempRepo _dir = new("beacon-atomic-");

    [Fact]
    public void A_set_that_cannot_be_written_leaves_every_target_as_it_was_and_no_temporary_file()
    {
        _dir.Write("a.lock", "old a\n");
        Directory.CreateDirectory(_dir.Path_("b.lock")); // a folder where the second file must go
        var e = Assert.Throws<FileWriteException>(() => AtomicFile.WriteAll(
            [new(_dir.Path_("a.lock"), "new a\n"u8.ToArray()), new(_dir.Path_("b.lock"), "new b\n"u8.ToArray())], _dir.Path_("journal")));
        Assert.Equal($"cannot write '{_dir.Path_("b.lock")}': a folder of that name is in the way", e.Message);
        Assert.Equal("old a\n", File.ReadAllText(_dir.Path_("a.lock")));
        Assert.False(File.Exists(_dir.Path_("journal")));
        Assert.Empty(Directory.EnumerateFiles(_dir.Root, "*" + AtomicFile.TempSuffix));
    }

    [Fact]
    public void A_set_is_written_whole_and_its_journal_removed()
    {
        _dir.Write("a.lock", "old a\n");
        AtomicFile.WriteAll([new(_dir.Path_("a.lock"), "new a\n"u8.ToArray()), new(_dir.Path_("sub/b.lock"), "new b\n"u8.ToArray())], _dir.Path_("journal"));
        Assert.Equal("new a\n", File.ReadAllText(_dir.Path_("a.lock")));
        Assert.Equal("new b\n", File.ReadAllText(_dir.Path_("sub/b.lock")));
        Assert.False(File.Exists(_dir.Path_("journal")));
    }

    [Fact]
    public void Temporary_files_a_killed_writer_left_are_cleaned_and_nothing_else()
    {
        _dir.Write(".core.lock.0123abcd" + AtomicFile.TempSuffix, "half a lock");
        _dir.Write(".snowflake.lock.4567" + AtomicFile.TempSuffix, "");
        _dir.Write("core.lock", "kept\n");
        Assert.Equal(2, AtomicFile.CleanStale(_dir.Root));
        Assert.Equal(["core.lock"], Directory.EnumerateFiles(_dir.Root).Select(Path.GetFileName));
    }

    [Fact]
    public void Git_ignores_the_temporary_files()
    {
        var ignore = File.ReadAllLines(RepoPaths.RepoFile(".gitignore"), Encoding.UTF8);
        Assert.Contains("*" + AtomicFile.TempSuffix, ignore);
    }

    public void Dispose() => _dir.Dispose();
}
