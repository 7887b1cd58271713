namespace Beacon.TestSupport;

/// <summary>
/// The services <c>scripts/services.sh up</c> starts for the integration tests (a Docker engine with the compose
/// plugin, an open registry, a registry behind Basic auth, local base images) and the environment it writes. A test
/// that needs one asks here: without it the test is skipped with the reason and the command that provides it —
/// unless <c>BEACON_REQUIRE_DOCKER=1</c> (CI), which turns every such skip into a failure, so CI can never pass by
/// skipping. An engine that happens to answer on the default socket is not enough: the tests also need what the
/// script made (registries, base images, the compose plugin under its DOCKER_CONFIG), so the environment is checked
/// first.
/// </summary>
internal static class TestServices
{
    public const string SetUp = "scripts/services.sh up && source /tmp/beacon-services/env";

    public static bool Required => Environment.GetEnvironmentVariable("BEACON_REQUIRE_DOCKER") == "1";

    /// <summary>The open registry (host:port) or null when the services' environment is not sourced.</summary>
    public static string? Registry => Variable("BEACON_TEST_REGISTRY");

    public static string? AuthRegistry => Variable("BEACON_TEST_AUTH_REGISTRY");

    public static string BaseImage => Variable("BEACON_TEST_BASE_IMAGE") ?? "localbase/busybox:1";

    public static string KernelBaseImage => Variable("BEACON_TEST_KERNEL_BASE_IMAGE") ?? "localbase/debian-jupyter:1";

    /// <summary>Why the services' environment is unusable, or null when it is sourced.</summary>
    public static string? EnvironmentMissing =>
        Registry is null || AuthRegistry is null ? $"the services' environment is not sourced (BEACON_TEST_REGISTRY unset): {SetUp}" : null;

    private static readonly Lazy<string?> ComposeMissing = new(() =>
    {
        try
        {
            var result = ProcessRunner.Run("docker", ["compose", "version"], timeout: TimeSpan.FromSeconds(30));
            return result.ExitCode == 0 ? null : $"no docker compose plugin (docker compose version: exit {result.ExitCode}): {SetUp}";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return $"no docker CLI on PATH: {SetUp}";
        }
    });

    /// <summary>Skips (or in CI fails) when <paramref name="missing"/> names something missing.</summary>
    public static void Need(string? missing)
    {
        if (missing is null)
        {
            return;
        }
        if (Required)
        {
            Assert.Fail($"BEACON_REQUIRE_DOCKER=1 but {missing}");
        }
        Skip.If(true, missing);
    }

    /// <summary>The open and the guarded registry, both from the services' environment.</summary>
    public static (string Open, string Guarded) Registries()
    {
        Need(EnvironmentMissing);
        return (Registry!, AuthRegistry!);
    }

    /// <summary>The docker CLI's compose plugin (local stacks, workspaces).</summary>
    public static void NeedCompose() => Need(ComposeMissing.Value);

    /// <summary>A program the tests run (shellcheck): scripts/services.sh up installs them with apt.</summary>
    public static void NeedTool(string tool) =>
        Need(OnPath(tool) ? null : $"{tool} is not installed (apt-get install {tool}; scripts/services.sh up installs it)");

    /// <summary>The Dev Containers CLI scripts/services.sh installs (npm @devcontainers/cli, pinned), or skip / fail in CI.</summary>
    public static string DevContainerCli()
    {
        var cli = Variable("BEACON_TEST_DEVCONTAINER");
        Need(cli is not null && File.Exists(cli) ? null : "the Dev Containers CLI is not installed (scripts/services.sh up installs @devcontainers/cli with npm)");
        return cli!;
    }

    /// <summary>
    /// rattler's JavaScript package (npm <c>@conda-org/rattler</c>, pinned; conda/rattler's Rust compiled to WASM) that
    /// scripts/services.sh installs, and node to run it; or skip / fail in CI.
    /// </summary>
    public static string RattlerJs()
    {
        NeedTool("node");
        var package = Variable("BEACON_TEST_RATTLER_JS");
        Need(package is not null && File.Exists(System.IO.Path.Combine(package, "package.json"))
            ? null : "rattler's JavaScript package is not installed (scripts/services.sh up installs @conda-org/rattler with npm)");
        return package!;
    }

    /// <summary>Debian's chromium (scripts/services.sh up installs it with apt), for the catalog's browser tests.</summary>
    public static string Chromium()
    {
        var path = Variable("BEACON_TEST_CHROMIUM") ?? "/usr/bin/chromium";
        Need(File.Exists(path) ? null : $"chromium is not installed at {path} (apt-get install chromium; scripts/services.sh up installs it)");
        return path;
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, tool)));

    private static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
