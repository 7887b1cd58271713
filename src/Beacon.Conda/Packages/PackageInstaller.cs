using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Beacon.Conda.Records;

namespace Beacon.Conda.Packages;

/// <summary>Two packages write one path: the later one (in lock order) wins, as conda does, and the build reports it.</summary>
public sealed record Clobber(string Path, string Earlier, string Later);

public sealed record InstalledPackage(PackageRecord Record, IReadOnlyList<string> Files, IReadOnlyList<string> LinkScripts);

public sealed record InstallReport(IReadOnlyList<InstalledPackage> Packages, IReadOnlyList<Clobber> Clobbers, string History)
{
    /// <summary>Packages whose pre/post-link scripts were not run (Beacon never runs package scripts).</summary>
    public IReadOnlyList<string> WithLinkScripts => Packages.Where(p => p.LinkScripts.Count > 0).Select(p => p.Record.DistString).ToList();
}

/// <summary>Where and how to install: <paramref name="Root"/> stands for '/', the prefix is inside it.</summary>
/// <param name="Root">The folder that becomes the layer's filesystem root.</param>
/// <param name="Prefix">The environment's absolute path in the image (/opt/conda).</param>
/// <param name="PythonVersion">The locked python's major.minor, for noarch: python packages.</param>
/// <param name="RequestedSpecs">Package name → the spec the layer asked for (conda-meta's requested_spec).</param>
/// <param name="ExistingFiles">Prefix-relative paths the parent layers installed → their package (clobbers across layers).</param>
/// <param name="History">conda-meta/history as the parent left it; this install appends its section.</param>
/// <param name="Label">Names the install in conda-meta/history (the layer).</param>
public sealed record InstallRequest(string Root, string Prefix, string? PythonVersion, IReadOnlyDictionary<string, string> RequestedSpecs,
    IReadOnlyDictionary<string, string> ExistingFiles, string History, string Label);

/// <summary>A package that cannot be installed as asked (a prefix longer than its binary placeholder, a bad entry point).</summary>
public sealed class PackageInstallException(string message) : Exception(message);

/// <summary>
/// Installs extracted packages into a prefix the way conda links them (read from conda's documentation and CEPs):
/// each path of <c>info/paths.json</c> (or <c>info/files</c> + <c>info/has_prefix</c>) is copied with its mode, text
/// files get their prefix placeholder replaced, binary files get it replaced inside each NUL-terminated string and
/// padded with NULs to the same length (refused when the prefix is longer than the placeholder), symbolic links are
/// kept; <c>noarch: python</c> packages go to <c>lib/pythonX.Y/site-packages</c> and <c>bin</c>, with their entry
/// points written as scripts run by the prefix's python. Each package gets its <c>conda-meta/&lt;dist&gt;.json</c>
/// record, and <c>conda-meta/history</c> gains a section. Pre/post-link scripts are installed but never run, and
/// <c>.pyc</c> files are not compiled (conda compiles them at link time; Python does it on first import).
/// Everything written is a pure function of the packages and the request: the same bytes every time.
/// </summary>
public static partial class PackageInstaller
{
    public static InstallReport Install(InstallRequest request, IReadOnlyList<(PackageRecord Record, string Extracted)> packages)
    {
        if (!request.Prefix.StartsWith('/') || request.Prefix.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)) || request.Prefix.Contains("/../", StringComparison.Ordinal))
        {
            throw new PackageInstallException($"prefix '{Parsing.Printable.Of(request.Prefix)}' is not an absolute path without spaces");
        }
        var prefixDir = Path.Combine(request.Root, request.Prefix.TrimStart('/'));
        var prefix = new PrefixFolder(prefixDir);
        prefix.Folder("conda-meta", request.Label);
        var owners = new Dictionary<string, string>(request.ExistingFiles, StringComparer.Ordinal);
        var clobbers = new List<Clobber>();
        var installed = new List<InstalledPackage>();
        foreach (var (record, extracted) in packages)
        {
            var info = PackageInfo.Read(extracted, record.FileName);
            var package = record.DistString;
            var realExtracted = RealPath.Of(extracted).TrimEnd('/');
            var files = new List<string>();
            var pathsData = new List<PathData>();
            foreach (var path in info.Paths)
            {
                var target = TargetPath(info, path.Path, request.PythonVersion);
                if (target.StartsWith("conda-meta/", StringComparison.Ordinal))
                {
                    throw new PackageInstallException($"{package}: '{Parsing.Printable.Of(target)}' is in conda-meta/, which only the installer writes");
                }
                if (path.Type == PathType.Directory)
                {
                    prefix.Folder(target, package);
                    continue;
                }
                var source = Source(realExtracted, path, package);
                if (owners.TryGetValue(target, out var earlier))
                {
                    clobbers.Add(new Clobber(target, earlier, package));
                }
                owners[target] = package;
                var destination = prefix.File(target, package);
                if (source.LinkTarget is { } linkTarget)
                {
                    // A link is data: its target text is copied, never followed (the archive checked it stays in the package).
                    File.CreateSymbolicLink(destination, linkTarget);
                    pathsData.Add(new PathData(target, "softlink", null, null, null));
                }
                else
                {
                    var copied = CopyInto(info, path, target, source.FullName, destination, request);
                    CheckListed(path, copied, package);
                    CopyMode(source.FullName, destination);
                    pathsData.Add(new PathData(target, "hardlink", copied.Sha256, copied.WrittenSha256 == copied.Sha256 ? null : copied.WrittenSha256, copied.WrittenSize));
                }
                files.Add(target);
            }
            if (info.IsNoarchPython)
            {
                foreach (var entryPoint in info.EntryPoints)
                {
                    var (name, script) = EntryPointScript(entryPoint, request.Prefix, request.PythonVersion!, package);
                    var target = $"bin/{name}";
                    if (owners.TryGetValue(target, out var earlier))
                    {
                        clobbers.Add(new Clobber(target, earlier, package));
                    }
                    owners[target] = package;
                    var destination = prefix.File(target, package);
                    var bytes = Encoding.UTF8.GetBytes(script);
                    File.WriteAllBytes(destination, bytes);
                    SetExecutable(destination);
                    files.Add(target);
                    pathsData.Add(new PathData(target, "hardlink", Sha256(bytes), null, bytes.LongLength));
                }
            }
            File.WriteAllText(prefix.File($"conda-meta/{package}.json", package),
                CondaMetaRecord(record, info, files, pathsData, request), new UTF8Encoding(false));
            installed.Add(new InstalledPackage(record, files, info.LinkScripts));
        }
        var history = new StringBuilder(request.History);
        if (installed.Count > 0)
        {
            // A fixed date: the same packages give the same bytes (conda writes the wall-clock time here).
            history.Append("==> 1970-01-01 00:00:00 <==\n").Append("# cmd: beacon build (layer ").Append(request.Label).Append(")\n");
            foreach (var p in installed)
            {
                history.Append('+').Append(p.Record.Channel).Append("::").Append(p.Record.DistString).Append('\n');
            }
        }
        File.WriteAllText(prefix.File("conda-meta/history", request.Label), history.ToString(), new UTF8Encoding(false));
        return new InstallReport(installed, clobbers, history.ToString());
    }

    private sealed record PathData(string Path, string Type, string? Sha256, string? Sha256InPrefix, long? Size);

    /// <summary>noarch: python's layout: site-packages/ and python-scripts/ go where the locked python expects them.</summary>
    private static string TargetPath(PackageInfo info, string path, string? pythonVersion)
    {
        if (!info.IsNoarchPython)
        {
            return path;
        }
        if (pythonVersion is null)
        {
            throw new PackageInstallException($"{info.Name} is noarch: python, but the environment has no python to install it for");
        }
        return path.StartsWith("site-packages/", StringComparison.Ordinal) ? $"lib/python{pythonVersion}/{path}"
            : path.StartsWith("python-scripts/", StringComparison.Ordinal) ? $"bin/{path["python-scripts/".Length..]}"
            : path;
    }

    /// <summary>
    /// The file a listed path names in the extracted package: reached through real folders only (a path through one
    /// of the package's links could name any file the link reaches), and what paths.json says it is.
    /// </summary>
    private static FileInfo Source(string realExtracted, PackagePath path, string package)
    {
        var source = realExtracted + "/" + path.Path;
        var parent = Path.GetDirectoryName(source)!;
        string realParent;
        try
        {
            realParent = RealPath.Of(parent);
        }
        catch (IOException e)
        {
            throw new PackageInstallException($"{package}: '{Parsing.Printable.Of(path.Path)}': {e.Message}");
        }
        if (realParent != parent)
        {
            throw new PackageInstallException($"{package}: its paths.json lists '{Parsing.Printable.Of(path.Path)}', which lies behind a symbolic link in the package; only files the archive holds are read");
        }
        var info = new FileInfo(source);
        if (info.LinkTarget is not null)
        {
            return info; // a link is data, whatever paths.json calls it (packages from before paths.json do not say)
        }
        if (path.Type == PathType.SymbolicLink || !info.Exists)
        {
            var held = info.Exists ? "a regular file" : Directory.Exists(source) ? "a folder" : "nothing";
            var listed = path.Type == PathType.SymbolicLink ? "a symbolic link" : "a file";
            throw new PackageInstallException($"{package}: its paths.json lists '{Parsing.Printable.Of(path.Path)}' as {listed}, but the archive holds {held} there");
        }
        return info;
    }

    /// <summary>Streams one file into the prefix with its placeholder replaced (a binary one only when the prefix fits).</summary>
    private static CopiedFile CopyInto(PackageInfo info, PackagePath path, string target, string source, string destination, InstallRequest request)
    {
        var to = Encoding.UTF8.GetBytes(request.Prefix);
        byte[]? from = null;
        var binary = false;
        if (path.PrefixPlaceholder is { Length: > 0 } placeholder)
        {
            from = Encoding.UTF8.GetBytes(placeholder);
            binary = path.Mode == FileMode.Binary;
            if (binary && to.Length > from.Length)
            {
                throw new PackageInstallException(
                    $"{info.Name}: {target} is a binary file built for prefixes up to {from.Length} characters; '{request.Prefix}' is {to.Length}");
            }
        }
        CopiedFile copied;
        using (var input = new FileStream(source, System.IO.FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
        using (var output = new FileStream(destination, System.IO.FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
        {
            copied = PrefixRewriter.Copy(input, output, from, to, binary);
        }
        return from is not null && !binary ? WithShortenedShebang(destination, copied) : copied;
    }

    /// <summary>conda shortens a text file's shebang after replacing its prefix; only the first line is read to decide.</summary>
    private static CopiedFile WithShortenedShebang(string destination, CopiedFile copied)
    {
        byte[] head;
        using (var file = File.OpenRead(destination))
        {
            head = new byte[(int)Math.Min(file.Length, 64 << 10)];
            file.ReadExactly(head);
        }
        var shortened = ShortenLongShebang(head);
        if (ReferenceEquals(shortened, head))
        {
            return copied;
        }
        var temp = destination + ".shebang";
        using (var output = new FileStream(temp, System.IO.FileMode.CreateNew, FileAccess.Write))
        using (var input = File.OpenRead(destination))
        {
            output.Write(shortened);
            input.Position = head.Length;
            input.CopyTo(output);
        }
        File.Move(temp, destination, overwrite: true);
        using var written = File.OpenRead(destination);
        return copied with { WrittenSha256 = Convert.ToHexStringLower(SHA256.HashData(written)), WrittenSize = written.Length };
    }

    /// <summary>A file must be what paths.json says it is: its sha256 and size, when listed, are checked as it is copied.</summary>
    private static void CheckListed(PackagePath path, CopiedFile copied, string package)
    {
        if (path.Sha256 is { } sha256 && !sha256.Equals(copied.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new PackageInstallException($"{package}: '{Parsing.Printable.Of(path.Path)}' has sha256 {copied.Sha256}; its paths.json says {Parsing.Printable.Of(sha256)}");
        }
        if (path.Size is { } size && size != copied.Size)
        {
            throw new PackageInstallException($"{package}: '{Parsing.Printable.Of(path.Path)}' is {copied.Size} bytes; its paths.json says {size}");
        }
    }

    /// <summary>The longest shebang line Linux runs (BINPRM_BUF_SIZE 128, less the newline): conda's MAX_SHEBANG_LENGTH.</summary>
    private const int MaxShebangLength = 127;

    /// <summary>
    /// What conda does to a text file after replacing its prefix (portability.replace_long_shebang): a first-line
    /// shebang longer than Linux runs, or whose interpreter's folder has an escaped space, becomes
    /// <c>#!/usr/bin/env &lt;interpreter name&gt;&lt;options&gt;</c>. Anything else is left as it is — python-scripts/
    /// of noarch python packages too: conda relocates them to bin/ without touching their shebang.
    /// </summary>
    internal static byte[] ShortenLongShebang(byte[] bytes)
    {
        if (bytes.Length < 2 || bytes[0] != (byte)'#' || bytes[1] != (byte)'!')
        {
            return bytes;
        }
        var end = bytes.AsSpan().IndexOfAny((byte)'\n', (byte)'\r');
        var line = Encoding.Latin1.GetString(bytes, 0, end < 0 ? bytes.Length : end);
        var m = Shebang().Match(line);
        if (!m.Success)
        {
            return bytes;
        }
        var executable = m.Groups[1].Value;
        var slash = executable.LastIndexOf('/');
        if (line.Length <= MaxShebangLength && !executable[..slash].Contains("\\ ", StringComparison.Ordinal))
        {
            return bytes;
        }
        var shortened = Encoding.Latin1.GetBytes($"#!/usr/bin/env {executable[(slash + 1)..]}{m.Groups[2].Value}");
        return [.. shortened, .. bytes.AsSpan(line.Length)];
    }

    /// <summary>conda's SHEBANG_REGEX on one line: <c>#!</c>, spaces, an absolute interpreter path (escaped spaces allowed), options.</summary>
    [GeneratedRegex(@"^#! *(/(?:\\ |[^ \t])*)(.*)$")]
    private static partial Regex Shebang();

    /// <summary>
    /// The shebang conda writes into an entry point (portability.generate_shebang_for_entry_point) for the prefix's
    /// versioned interpreter, <c>bin/pythonX.Y</c> (path.get_python_short_path of the target python version); past
    /// Linux's limit or with a space, the <c>/bin/sh</c> trampoline that is both valid shell and valid Python.
    /// </summary>
    private static string EntryPointShebang(string prefix, string pythonVersion)
    {
        var python = $"{prefix}/bin/python{pythonVersion}";
        var shebang = $"#!{python}\n";
        return shebang.Length > MaxShebangLength || python.Contains(' ', StringComparison.Ordinal)
            ? $"#!/bin/sh\n'''exec' \"{python}\" \"$0\" \"$@\" #'''\n"
            : shebang;
    }

    /// <summary>An entry point ("name = module.sub:function") as the script conda writes for it; anything else is refused.</summary>
    private static (string Name, string Script) EntryPointScript(string entryPoint, string prefix, string pythonVersion, string package)
    {
        var m = EntryPoint().Match(entryPoint);
        if (!m.Success)
        {
            throw new PackageInstallException($"{package}: entry point '{Parsing.Printable.Of(entryPoint)}' is not 'name = module:function'");
        }
        var (name, module, function) = (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value);
        var import = function.Split('.')[0];
        return (name, EntryPointShebang(prefix, pythonVersion) + $"# -*- coding: utf-8 -*-\nimport re\nimport sys\n\nfrom {module} import {import}\n\n" +
            "if __name__ == '__main__':\n    sys.argv[0] = re.sub(r'(-script\\.pyw?|\\.exe)?$', '', sys.argv[0])\n" +
            $"    sys.exit({function}())\n");
    }

    [GeneratedRegex(@"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*=\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*:\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*$")]
    private static partial Regex EntryPoint();

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static void CopyMode(string source, string destination)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(destination, File.GetUnixFileMode(source));
        }
    }

    private static void SetExecutable(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        }
    }

    /// <summary>conda-meta/&lt;dist&gt;.json with what conda writes there, keys sorted as conda sorts them.</summary>
    private static string CondaMetaRecord(PackageRecord r, PackageInfo info, List<string> files, List<PathData> paths, InstallRequest request)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("build", r.Build);
            w.WriteNumber("build_number", r.BuildNumber);
            w.WriteString("channel", r.Channel);
            Strings(w, "constrains", r.Constrains);
            Strings(w, "depends", r.Depends);
            Strings(w, "files", files);
            w.WriteString("fn", r.FileName);
            w.WriteString("license", r.License ?? "");
            w.WriteStartObject("link");
            w.WriteString("source", $"{request.Prefix}/pkgs/{r.DistString}");
            w.WriteNumber("type", 1);
            w.WriteEndObject();
            w.WriteString("md5", r.Md5 ?? "");
            w.WriteString("name", r.Name);
            if (info.Noarch is { } noarch)
            {
                w.WriteString("noarch", noarch);
            }
            w.WriteStartObject("paths_data");
            w.WriteStartArray("paths");
            foreach (var p in paths)
            {
                w.WriteStartObject();
                w.WriteString("_path", p.Path);
                w.WriteString("path_type", p.Type);
                if (p.Sha256 is not null)
                {
                    w.WriteString("sha256", p.Sha256);
                }
                if (p.Sha256InPrefix is not null)
                {
                    w.WriteString("sha256_in_prefix", p.Sha256InPrefix);
                }
                if (p.Size is { } size)
                {
                    w.WriteNumber("size_in_bytes", size);
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNumber("paths_version", 1);
            w.WriteEndObject();
            w.WriteString("requested_spec", request.RequestedSpecs.GetValueOrDefault(r.Name, ""));
            w.WriteString("sha256", r.Sha256 ?? "");
            if (r.Size is { } s)
            {
                w.WriteNumber("size", s);
            }
            w.WriteString("subdir", r.Subdir);
            if (r.Timestamp is { } t)
            {
                w.WriteNumber("timestamp", t);
            }
            w.WriteString("url", r.Url);
            w.WriteString("version", r.Version.Text);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }
        w.WriteEndArray();
    }
}
