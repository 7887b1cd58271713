using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Beacon.Oci.Registry;

/// <summary>A user name and secret for one registry. Never printed, never written to a generated file.</summary>
public sealed record RegistryLogin(string Username, string Secret)
{
    public string BasicHeader => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{Secret}"));

    public override string ToString() => $"RegistryLogin({Username}, ***)";
}

/// <summary>
/// The credentials Docker would use for a registry, read from Docker's <c>config.json</c> (<c>$DOCKER_CONFIG</c>, else
/// <c>~/.docker</c>): a per-registry credential helper (<c>credHelpers</c>), the default store (<c>credsStore</c>), each
/// run as <c>docker-credential-&lt;name&gt; get</c> with the registry on stdin, or the inline <c>auths</c> entry. None
/// means anonymous. <paramref name="resolveHelper"/> maps <c>docker-credential-&lt;name&gt;</c> to what is run (by
/// default the name itself, found on PATH as Docker finds it).
/// </summary>
public sealed class RegistryCredentials(string? configDirectory, Func<string, string>? resolveHelper = null)
{
    public static RegistryCredentials FromEnvironment(Func<string, string?> environment) =>
        new(environment("DOCKER_CONFIG") is { Length: > 0 } dir ? dir
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker"));

    /// <summary>How long a credential helper may take before it is killed.</summary>
    public TimeSpan HelperTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public RegistryLogin? For(string host)
    {
        var path = configDirectory is null ? null : Path.Combine(configDirectory, "config.json");
        if (path is null || !File.Exists(path))
        {
            return null;
        }
        try
        {
            using var doc = JsonDocument.Parse(Conda.SafeFile.ReadAllBytes(path, 4 << 20), new JsonDocumentOptions { MaxDepth = 16 });
            return For(doc.RootElement, host);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or Conda.SafeFileException or DecoderFallbackException)
        {
            // InvalidOperationException: a value of the wrong JSON kind (a number where a string belongs); FormatException: bad base64.
            throw new RegistryException($"{path}: Docker's config.json cannot be read for {host} ({Conda.Parsing.Printable.Of(e.Message)})");
        }
    }

    private RegistryLogin? For(JsonElement root, string host)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("it is not a JSON object");
        }
        var keys = host == References.RemoteImage.DockerHub ? new[] { "https://index.docker.io/v1/", "docker.io", host } : [host, $"https://{host}", $"http://{host}"];
        foreach (var key in keys)
        {
            if (root.TryGetProperty("credHelpers", out var helpers) && helpers.ValueKind == JsonValueKind.Object && helpers.TryGetProperty(key, out var helper) && helper.GetString() is { Length: > 0 } h)
            {
                return Helper(h, key);
            }
        }
        if (root.TryGetProperty("credsStore", out var store) && store.GetString() is { Length: > 0 } s)
        {
            foreach (var key in keys)
            {
                if (Helper(s, key) is { } login)
                {
                    return login;
                }
            }
        }
        if (root.TryGetProperty("auths", out var auths) && auths.ValueKind == JsonValueKind.Object)
        {
            foreach (var key in keys)
            {
                if (auths.TryGetProperty(key, out var entry) && entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("auth", out var auth) && auth.GetString() is { Length: > 0 } encoded)
                {
                    var pair = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(encoded));
                    var colon = pair.IndexOf(':');
                    return colon > 0 ? new RegistryLogin(pair[..colon], pair[(colon + 1)..]) : throw new FormatException($"the 'auth' of {key} is not user:password");
                }
            }
        }
        return null;
    }

    private RegistryLogin? Helper(string name, string server)
    {
        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new RegistryException($"credential helper '{Conda.Parsing.Printable.Of(name)}' in Docker's config.json is not a helper name");
        }
        var helper = $"docker-credential-{name}";
        return RunHelper(resolveHelper?.Invoke(helper) ?? helper, server);
    }

    /// <summary>
    /// Runs <c>docker-credential-&lt;name&gt; get</c>; "credentials not found" (a non-zero exit) means none. Its output
    /// and error are read at the same time and bounded (a helper that floods stderr cannot block on a full pipe), and
    /// a helper that does not finish within <see cref="HelperTimeout"/> is killed.
    /// </summary>
    private RegistryLogin? RunHelper(string helper, string server)
    {
        var psi = new ProcessStartInfo(helper, "get") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new RegistryException($"Docker's config.json names the credential helper {Path.GetFileName(helper)}, which cannot be run: {e.Message}");
        }
        using (process)
        using (var timer = new CancellationTokenSource(HelperTimeout))
        {
            try
            {
                var output = DrainAsync(process.StandardOutput.BaseStream, 1 << 20, timer.Token);
                var errors = DrainAsync(process.StandardError.BaseStream, 0, timer.Token);
                process.StandardInput.Write(server);
                process.StandardInput.Close();
                var json = output.GetAwaiter().GetResult();
                errors.GetAwaiter().GetResult();
                process.WaitForExitAsync(timer.Token).GetAwaiter().GetResult();
                if (process.ExitCode != 0)
                {
                    return null;
                }
                return Answer(json, Path.GetFileName(helper));
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                process.Kill(entireProcessTree: true);
                throw new RegistryException(e is OperationCanceledException
                    ? $"{Path.GetFileName(helper)} get did not answer within {HelperTimeout.TotalSeconds:0.#} s"
                    : $"{Path.GetFileName(helper)} get: {e.Message}");
            }
        }
    }

    /// <summary>Reads a helper's pipe to its end, keeping at most <paramref name="keep"/> bytes (more is an error when keeping).</summary>
    private static async Task<byte[]> DrainAsync(Stream pipe, int keep, CancellationToken ct)
    {
        var kept = new MemoryStream();
        var buffer = new byte[16384];
        int read;
        while ((read = await pipe.ReadAsync(buffer, ct)) > 0)
        {
            if (keep > 0)
            {
                if (kept.Length + read > keep)
                {
                    throw new IOException($"the answer is larger than {keep} bytes");
                }
                kept.Write(buffer, 0, read);
            }
        }
        return kept.ToArray();
    }

    private static RegistryLogin? Answer(byte[] json, string helper)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
            var root = doc.RootElement;
            string? Text(string name) => root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var user = Text("Username");
            var secret = Text("Secret");
            return user is null || secret is null ? null : new RegistryLogin(user, secret);
        }
        catch (JsonException)
        {
            throw new RegistryException($"{helper} get answered something that is not JSON");
        }
    }
}
