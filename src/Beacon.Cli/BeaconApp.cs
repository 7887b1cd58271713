using Beacon.Cli.Commands;
using Spectre.Console.Cli;

namespace Beacon.Cli;

/// <summary>The command table. Commands parse arguments and print; the work happens in the libraries.</summary>
public static class BeaconApp
{
    public static int Run(string[] args)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("beacon");
            config.UseStrictParsing();
            config.AddCommand<PipelineCommand>("pipeline")
                .WithDescription("The offline pipeline: validate, check the locks (the deployment gate), draw the tree with where each workload runs, and (with --stack) show the stack's plan.")
                .WithExample("pipeline");
            config.AddCommand<ValidateCommand>("validate")
                .WithDescription("Check every layer, workload and stack file; report all mistakes with file(line,col).")
                .WithExample("validate")
                .WithExample("validate", "path/to/repo", "--json");
            config.AddCommand<GraphCommand>("graph")
                .WithDescription("Draw the layer tree (text, Mermaid for READMEs and pull requests, or JSON).")
                .WithExample("graph", "--format", "mermaid");
            config.AddCommand<LockCommand>("lock")
                .WithDescription("Solve the layer tree top-down (each child on its parent's records as hard pins) and write layers/<name>.lock.")
                .WithExample("lock")
                .WithExample("lock", "gpu-ml", "--update", "pytorch");
            config.AddCommand<CheckCommand>("check")
                .WithDescription("The offline gate: locks current, parents intact, dependencies and system satisfied, every workload placed.")
                .WithExample("check");
            config.AddCommand<RouteCommand>("route")
                .WithDescription("The minimum acceptable layer for a workload or for specs, and why smaller layers were rejected.")
                .WithExample("route", "risk-batch", "--explain")
                .WithExample("route", "--requires", "pandas", "--requires", "snowflake-connector-python", "--stack", "acme-aws-prod");
            config.AddCommand<DiffCommand>("diff")
                .WithDescription("Markdown (or --json) summary of what the working tree changes against a git ref: layers, packages, rebuilt images, routing.")
                .WithExample("diff", "--base", "origin/main");
            config.AddCommand<ForkCommand>("fork")
                .WithDescription("Create an experimental layer from another one, with changed specs, and lock it; proposes a parent that works when the given one does not.")
                .WithExample("fork", "gpu-ml", "--as", "gpu-ml-next", "--add", "pytorch 2.3.*");
            config.AddCommand<PlanCommand>("plan")
                .WithDescription("A preview tree of what a stack deploys: images in build order, node pools, workloads by group.")
                .WithExample("plan", "--stack", "acme-local");
            config.AddCommand<SynthCommand>("synth")
                .WithDescription("Print the stack's Pulumi YAML program (what `pulumi preview` runs) and write its build contexts.")
                .WithExample("synth", "--stack", "acme-aws-prod");
            config.AddCommand<RenderCommand>("render")
                .WithDescription("Write build contexts, compose files, Kubernetes manifests and the Pulumi program for a stack, for use without Pulumi.")
                .WithExample("render", "--stack", "acme-local", "--out", "out/");
            config.AddCommand<BuildCommand>("build")
                .WithDescription("Build the layer images on the Docker engine in dependency order (reusing unchanged ones), optionally pushing them.")
                .WithExample("build", "--stack", "acme-local")
                .WithExample("build", "snowflake", "--push", "127.0.0.1:5000");
            config.AddCommand<TestCommand>("test")
                .WithDescription("Run a layer's tests inside its image (a container per test); --against also runs the tests of the workloads its parent serves; --junit writes a report.")
                .WithExample("test", "snowflake", "--against", "acme-local", "--junit", "test-results.xml");
            config.AddCommand<PublishCommand>("publish")
                .WithDescription("Promote a layer whose exact image passed its tests: set its stage in the layer file and tag the image <layer>:<stage> in the registry.")
                .WithExample("publish", "gpu-ml-nightly", "--stage", "production");
            config.AddCommand<UpCommand>("up")
                .WithDescription("Build what is missing and run each workload group of the local stack as a Compose project.")
                .WithExample("up", "--stack", "acme-local");
            config.AddCommand<DownCommand>("down")
                .WithDescription("Stop and remove the local stack's Compose projects.");
            config.AddCommand<StatusCommand>("status")
                .WithDescription("List the containers of the local stack's Compose projects.");
            config.AddCommand<ExplainCommand>("explain")
                .WithDescription("What a diagnostic code means; without a code, every code.")
                .WithExample("explain", "BEA0104");
            config.AddCommand<SolveCommand>("solve")
                .WithDescription("Solve conda specs against channels: a table, or JSON for scripts; exit 1 with an explanation when unsatisfiable.")
                .WithExample("solve", "-c", "channels/demo", "python 3.11.*", "numpy")
                .WithExample("solve", "-c", "https://conda.anaconda.org/conda-forge", "--virtual", "__cuda=12.1", "pytorch", "--json");
            config.SetExceptionHandler((exception, _) =>
            {
                // Command-line mistakes are invalid input (2); anything else is reported without a stack trace (3).
                if (exception is CommandParseException or CommandRuntimeException)
                {
                    Console.Error.WriteLine($"beacon: {exception.Message} (see 'beacon --help')");
                    return ExitCodes.InvalidInput;
                }
                Console.Error.WriteLine($"beacon: internal error: {exception.Message}");
                if (Environment.GetEnvironmentVariable("BEACON_DEBUG") == "1")
                {
                    Console.Error.WriteLine(exception);
                }
                return ExitCodes.InternalError;
            });
        });
        return app.Run(args);
    }
}
