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
/// means anonymous.
/// </summary>
public sealed class RegistryCredentials(string? configDirectory, Func<string, RegistryLogin?>? helperRunner = null)
{
    public static RegistryCredentials FromEnvironment(Func<string, string?> environment) =>
        new(environment("DOCKER_CONFIG") is { Length: > 0 } dir ? dir
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker"));

    public RegistryLogin? For(string host)
    {
        var path = configDirectory is null ? null : Path.Combine(configDirectory, "config.json");
        if (path is null || !File.Exists(path))
        {
            return null;
        }
        using var doc = JsonDocument.Parse(Conda.SafeFile.ReadAllBytes(path, 4 << 20), new JsonDocumentOptions { MaxDepth = 16 });
        var root = doc.RootElement;
        var keys = host == References.RemoteImage.DockerHub ? new[] { "https://index.docker.io/v1/", "docker.io", host } : [host, $"https://{host}", $"http://{host}"];
        foreach (var key in keys)
        {
            if (root.TryGetProperty("credHelpers", out var helpers) && helpers.TryGetProperty(key, out var helper) && helper.GetString() is { Length: > 0 } h)
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
                if (auths.TryGetProperty(key, out var entry) && entry.TryGetProperty("auth", out var auth) && auth.GetString() is { Length: > 0 } encoded)
                {
                    var pair = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
                    var colon = pair.IndexOf(':');
                    if (colon > 0)
                    {
                        return new RegistryLogin(pair[..colon], pair[(colon + 1)..]);
                    }
                }
            }
        }
        return null;
    }

    private RegistryLogin? Helper(string name, string server)
    {
        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new RegistryException($"credential helper '{name}' in Docker's config.json is not a helper name");
        }
        return (helperRunner ?? RunHelper)($"docker-credential-{name}\n{server}");
    }

    /// <summary>Runs <c>docker-credential-&lt;name&gt; get</c>; "credentials not found" means none.</summary>
    private static RegistryLogin? RunHelper(string request)
    {
        var parts = request.Split('\n', 2);
        var psi = new ProcessStartInfo(parts[0], "get") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new RegistryException($"Docker's config.json names the credential helper {parts[0]}, which cannot be run: {e.Message}");
        }
        using (process)
        {
            process.StandardInput.Write(parts[1]);
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                process.Kill(entireProcessTree: true);
                throw new RegistryException($"{parts[0]} get did not answer within 30 s");
            }
            if (process.ExitCode != 0)
            {
                return null;
            }
            using var doc = JsonDocument.Parse(output);
            var user = doc.RootElement.TryGetProperty("Username", out var u) ? u.GetString() : null;
            var secret = doc.RootElement.TryGetProperty("Secret", out var s) ? s.GetString() : null;
            return user is null || secret is null ? null : new RegistryLogin(user, secret);
        }
    }
}
