namespace Beacon.Pulumi.Targets;

/// <summary>
/// Provider plugin versions the generated programs pin (the releases tests/fixtures/pulumi-schemas describes), so a
/// preview today and one next month use the same providers.
/// </summary>
public static class ProviderVersions
{
    public const string Aws = "7.48.0";
    public const string Gcp = "9.37.0";
    public const string AzureNative = "3.28.0";
    public const string Kubernetes = "4.34.2";
    public const string DockerBuild = "0.0.22";
    public const string Docker = "5.1.0";
    public const string Command = "1.2.1";
}
