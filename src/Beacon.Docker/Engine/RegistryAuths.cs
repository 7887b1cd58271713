using Beacon.Oci.Registry;

namespace Beacon.Docker.Engine;

/// <summary>
/// The X-Registry-Auth a push presents, from Docker's own credentials (config.json, its helpers): the engine does not
/// read them itself — the docker CLI sends them with each push — so Beacon does what the CLI does.
/// </summary>
public static class RegistryAuths
{
    public static Func<string, RegistryAuth?> From(RegistryCredentials credentials) =>
        host => credentials.For(host) is { } login ? new RegistryAuth(login.Username, login.Secret, null, host) : null;

    /// <summary>The registry host of a repository reference (127.0.0.1:5000/acme/core → 127.0.0.1:5000).</summary>
    public static string Host(string repository) => repository.Split('/')[0];
}
