using System.Runtime.CompilerServices;

namespace Beacon.TestSupport;

/// <summary>
/// Tests never depend on the public internet: what a request to it would find (Docker Hub's tag of the example's base
/// image, conda-forge) changes over time, and a machine may not reach it at all. Every test process — and every
/// beacon process a test starts, which inherits the environment — sends such requests to a closed port on this
/// machine, so they fail the same way everywhere; the services on the loopback interface are reached directly.
/// </summary>
internal static class Hermetic
{
#pragma warning disable CA2255 // a test assembly's own set-up: it must run before any test creates an HttpClient
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void NoPublicNetwork()
    {
        Environment.SetEnvironmentVariable("HTTPS_PROXY", "http://127.0.0.1:9");
        Environment.SetEnvironmentVariable("HTTP_PROXY", "http://127.0.0.1:9");
        Environment.SetEnvironmentVariable("NO_PROXY", "127.0.0.1,localhost");
    }
}
