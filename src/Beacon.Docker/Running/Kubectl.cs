using System.ComponentModel;
using System.Diagnostics;

namespace Beacon.Docker.Running;

/// <summary>kubectl is missing or failed.</summary>
public sealed class KubectlException(string message) : Exception(message);

/// <summary>
/// <c>kubectl apply -f -</c> for a manifest Beacon rendered, with the stack's kubeconfig and context (arguments, never
/// a shell line). No Kubernetes API server runs on the machines Beacon is developed on: this path is exercised only up
/// to "kubectl is not installed" there.
/// </summary>
public static class Kubectl
{
    public static async Task<string> ApplyAsync(string manifest, string? kubeconfig, string? context, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo("kubectl") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        if (kubeconfig is not null)
        {
            start.ArgumentList.Add("--kubeconfig");
            start.ArgumentList.Add(kubeconfig.StartsWith("~/", StringComparison.Ordinal)
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), kubeconfig[2..]) : kubeconfig);
        }
        if (context is not null)
        {
            start.ArgumentList.Add("--context");
            start.ArgumentList.Add(context);
        }
        foreach (var a in new[] { "apply", "-f", "-" })
        {
            start.ArgumentList.Add(a);
        }
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new KubectlException("kubectl did not start");
        }
        catch (Win32Exception)
        {
            throw new KubectlException("kubectl is not installed (or not on PATH): apply the manifest yourself, or install kubectl and run again");
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.StandardInput.WriteAsync(manifest.AsMemory(), cancellationToken);
            process.StandardInput.Close();
            await process.WaitForExitAsync(cancellationToken);
            return process.ExitCode == 0 ? await stdout : throw new KubectlException($"kubectl apply failed (exit {process.ExitCode}): {(await stderr).Trim()}");
        }
    }
}
