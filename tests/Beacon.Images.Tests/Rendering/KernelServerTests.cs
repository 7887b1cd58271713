using Beacon.Images.Planning;
using Beacon.Images.Rendering;
using Beacon.Layers.Loading;
using Beacon.TestSupport;
using k8s;
using k8s.Models;

namespace Beacon.Images.Tests.Rendering;

/// <summary>
/// A kernel workload on a stack is a Jupyter Server in a layer that has jupyter_server (routing adds it), with its
/// token from a secret: a Kubernetes Secret reference, or the shell's JUPYTER_TOKEN for Compose — never a value.
/// </summary>
public class KernelServerTests
{
    private static Plan Plan(string stack)
    {
        var opening = StackSessions.Open(WorkspaceLoader.Load(RepoPaths.Root).Workspace!, stack);
        Assert.True(opening.Success, string.Join("\n", opening.Diagnostics));
        return opening.Session!.Plan;
    }

    [Fact]
    public void On_kubernetes_the_kernel_is_a_jupyter_server_with_its_token_from_a_secret()
    {
        var plan = Plan("globex-k8s");
        var notebook = plan.Workloads.Single(w => w.Name == "research-notebook");
        Assert.Equal("notebook", notebook.Layer); // the layer with jupyter_server, though the workload does not list it
        var objects = WorkloadObjects.For(plan).Where(o => o.Name == "research-notebook").ToList();
        var parsed = objects.Select(o => KubernetesYaml.LoadAllFromString(Yaml.Write(o.Manifest()), strict: true).Single()).ToList();
        var deployment = parsed.OfType<V1Deployment>().Single();
        var container = deployment.Spec.Template.Spec.Containers.Single();
        Assert.Equal(["jupyter", "server", "--ip=0.0.0.0", "--port=8888", "--no-browser", "--ServerApp.allow_remote_access=True", "--ServerApp.root_dir=/tmp"], container.Command);
        var token = container.Env.Single(e => e.Name == "JUPYTER_TOKEN");
        Assert.Null(token.Value);
        Assert.Equal(("research-notebook-jupyter-token", "token"), (token.ValueFrom.SecretKeyRef.Name, token.ValueFrom.SecretKeyRef.Key));
        Assert.Equal("/tmp", container.Env.Single(e => e.Name == "HOME").Value);
        Assert.Equal(8888, parsed.OfType<V1Service>().Single().Spec.Ports.Single().Port);
    }

    [Fact]
    public void In_compose_the_token_comes_from_the_shell_that_starts_the_stack()
    {
        var plan = Plan("acme-local");
        var group = plan.Workloads.Single(w => w.Name == "research-notebook").Group;
        var compose = Compose.For(plan, group);
        Assert.Contains("JUPYTER_TOKEN: \"${JUPYTER_TOKEN:?export JUPYTER_TOKEN (the token Jupyter asks for) before starting the stack}\"\n", compose, StringComparison.Ordinal);
        Assert.Contains("- 127.0.0.1:8888:8888\n", compose, StringComparison.Ordinal);
    }

    [Fact]
    public void Kernels_url_says_how_to_reach_the_server()
    {
        var plan = Plan("globex-k8s");
        var lines = KernelServer.Connection(plan, plan.Workloads.Single(w => w.Name == "research-notebook"), null);
        Snapshot.Match(string.Join("\n", lines) + "\n", "kernels-url-kubernetes");
        var local = Plan("acme-local");
        Assert.Equal("http://127.0.0.1:8888/?token=abc", KernelServer.Connection(local, local.Workloads.Single(w => w.Name == "research-notebook"), "abc")[^1]);
    }
}
