namespace Beacon.Oci.Registry;

/// <summary>A registry refused or failed a request; the message names the request and the registry's own error, never a credential.</summary>
public sealed class RegistryException(string message) : Exception(message);
