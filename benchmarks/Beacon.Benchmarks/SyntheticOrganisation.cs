using System.Text;

namespace Beacon.Benchmarks;

/// <summary>
/// Writes a large, valid, deterministic repository for scale measurements: a layer tree (depth up to
/// <paramref name="maxDepth"/>), workloads that pin or route to layers, and two stacks.
/// </summary>
public static class SyntheticOrganisation
{
    public static void Write(string root, int layers, int workloads, int maxDepth = 6, int seed = 42)
    {
        var random = new Random(seed);
        Directory.CreateDirectory(Path.Combine(root, "layers"));
        Directory.CreateDirectory(Path.Combine(root, "workloads"));
        Directory.CreateDirectory(Path.Combine(root, "stacks"));
        File.WriteAllText(Path.Combine(root, "layers", "core.yaml"),
            "name: core\nplatform: linux-64\nbase-image: mambaorg/micromamba:1.5.8\nchannels: [conda-forge]\nstage: production\n" +
            "dependencies:\n  - python 3.11.*\n  - numpy >=1.26\n  - pandas\n");
        var depth = new List<(string Name, int Depth)> { ("core", 0) };
        var packages = new[] { "scipy", "requests", "pyarrow", "fastapi", "uvicorn", "ipykernel", "scikit-learn", "polars", "duckdb", "boto3" };
        for (var i = 1; i < layers; i++)
        {
            var candidates = depth.Where(d => d.Depth < maxDepth).ToList();
            var parent = candidates[random.Next(candidates.Count)];
            var name = $"layer-{i:D4}";
            depth.Add((name, parent.Depth + 1));
            var sb = new StringBuilder();
            sb.Append($"name: {name}\nparent: {parent.Name}\ndescription: synthetic layer {i}\nowners: [\"@acme/team-{i % 17}\"]\n");
            sb.Append("dependencies:\n");
            for (var k = 0; k < 1 + (i % 3); k++)
            {
                sb.Append($"  - {packages[(i + k) % packages.Length]} >={1 + k}.0\n");
            }
            sb.Append($"stage: {(i % 5 == 0 ? "experimental" : "production")}\n");
            sb.Append($"tests: [\"python -c 'import sys'\"]\n");
            File.WriteAllText(Path.Combine(root, "layers", name + ".yaml"), sb.ToString());
        }
        var kinds = new[] { "service", "job", "cronjob", "kernel" };
        for (var i = 0; i < workloads; i++)
        {
            var kind = kinds[i % kinds.Length];
            var sb = new StringBuilder($"name: workload-{i:D5}\nkind: {kind}\ncommand: [\"python\", \"-m\", \"app{i}\"]\n");
            sb.Append($"requires: [numpy, {packages[i % packages.Length]}]\n");
            if (i % 3 == 0)
            {
                sb.Append($"layer: {depth[random.Next(depth.Count)].Name}\n");
            }
            if (kind == "cronjob")
            {
                sb.Append("schedule: \"0 6 * * 1-5\"\n");
            }
            if (kind is "service" or "kernel")
            {
                sb.Append($"ports: [{8000 + i}]\nreplicas: 2\n"); // a local stack publishes each host port once (BEA0208)
            }
            sb.Append($"env:\n  MODE: batch-{i % 7}\n");
            File.WriteAllText(Path.Combine(root, "workloads", $"workload-{i:D5}.yaml"), sb.ToString());
        }
        File.WriteAllText(Path.Combine(root, "stacks", "Pulumi.synthetic-local.yaml"), "config:\n  beacon:cloud: local\n  beacon:stages: [production, experimental]\n");
        File.WriteAllText(Path.Combine(root, "stacks", "Pulumi.synthetic-aws.yaml"), "config:\n  aws:region: us-east-1\n  beacon:cloud: aws\n  beacon:subnetIds: [subnet-1, subnet-2]\n");
    }
}
