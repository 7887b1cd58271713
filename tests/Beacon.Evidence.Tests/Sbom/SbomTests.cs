using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Beacon.Conda.Records;
using Beacon.Evidence.Sbom;
using Beacon.TestSupport;
using Version = Beacon.Conda.Versions.Version;

namespace Beacon.Evidence.Tests.Sbom;

/// <summary>
/// The SBOM writers against the official schemas (CycloneDX 1.6 with its SPDX licence and JSF references, SPDX 2.3;
/// vendored under tests/fixtures/sbom-schemas), their purls against purl-spec's conda example, and their text pinned.
/// The integration tests write them from proven images; here the subject is a chain of three layers with licences
/// of every shape conda channels carry (an SPDX id, an expression, free text, none).
/// </summary>
public sealed class SbomTests
{
    private const string Forge = "https://conda.anaconda.org/conda-forge";

    private static PackageRecord Record(string name, string version, string build, string subdir, string? licence, params string[] depends) => new()
    {
        Name = name, Version = Version.Parse(version), Build = build, Subdir = subdir, FileName = $"{name}-{version}-{build}.conda", Channel = Forge,
        Depends = depends, License = licence, Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(name))),
        Md5 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes("md5 " + name)))[..32],
    };

    private static SbomSubject Subject() => new("127.0.0.1:15000/acme/notebook", "sha256:" + new string('a', 64),
    [
        new SbomLayer("core", new string('1', 64), [
            Record("python", "3.11.8", "hab00c5b_0_cpython", "linux-64", "Python-2.0"),
            Record("ca-certificates", "2024.2.2", "hbcca054_0", "linux-64", "ISC"),
        ]),
        new SbomLayer("science", new string('2', 64), [
            Record("numpy", "1.26.4", "py311h64a7726_0", "linux-64", "BSD-3-Clause", "python >=3.11,<3.12.0a0", "libblas >=3.9.0"),
            Record("libgcc-ng", "13.2.0", "h807b86a_5", "linux-64", "GPL-3.0-only WITH GCC-exception-3.1"),
        ]),
        new SbomLayer("notebook", new string('3', 64), [
            Record("tzdata", "2024a", "h0c530f3_0", "noarch", "LicenseRef-Public-Domain"),
            Record("legacy", "1!1.0+local", "0", "linux-64", "BSD 3-Clause"),
            Record("nolicence", "0.1", "0", "noarch", null, "python", "numpy"),
        ]),
    ], "127.0.0.1:15000/localbase/busybox:1@sha256:" + new string('b', 64), "0.0.0-test", DateTimeOffset.UnixEpoch);

    [Fact]
    public void The_cyclonedx_bom_is_valid_lists_every_package_once_and_is_the_same_bytes_every_time()
    {
        var bom = CycloneDx.Write(Subject());
        SbomSchemas.AssertValid(SbomSchemas.CycloneDx.Value, bom);
        Assert.Equal(bom, CycloneDx.Write(Subject()));
        var root = JsonNode.Parse(bom)!;
        var libraries = root["components"]!.AsArray().Where(c => (string?)c!["type"] == "library").Select(c => (string)c!["name"]!).ToList();
        Assert.Equal(Subject().Packages.Select(p => p.Record.Name), libraries);
        Assert.Equal("pkg:oci/notebook@sha256%3A" + new string('a', 64) + "?repository_url=127.0.0.1%3A15000%2Facme%2Fnotebook", (string?)root["metadata"]!["component"]!["purl"]);
        Snapshot.Match(Encoding.UTF8.GetString(bom), "cyclonedx");
    }

    [Fact]
    public void The_spdx_document_is_valid_describes_the_image_and_carries_free_text_licences_as_references()
    {
        var document = Spdx.Write(Subject());
        SbomSchemas.AssertValid(SbomSchemas.Spdx.Value, document);
        Assert.Equal(document, Spdx.Write(Subject()));
        var root = JsonNode.Parse(document)!;
        var libraries = root["packages"]!.AsArray().Where(p => (string?)p!["primaryPackagePurpose"] == "LIBRARY").ToList();
        Assert.Equal(Subject().Packages.Select(p => p.Record.Name), libraries.Select(p => (string)p!["name"]!));
        Assert.Equal("LicenseRef-conda-1", (string?)libraries.Single(p => (string?)p!["name"] == "tzdata")!["licenseDeclared"]);
        Assert.Equal("LicenseRef-conda-2", (string?)libraries.Single(p => (string?)p!["name"] == "legacy")!["licenseDeclared"]);
        Assert.Equal("BSD 3-Clause", (string?)root["hasExtractedLicensingInfos"]![1]!["extractedText"]);
        Assert.Equal("GPL-3.0-only WITH GCC-exception-3.1", (string?)libraries.Single(p => (string?)p!["name"] == "libgcc-ng")!["licenseDeclared"]);
        Assert.Equal("NOASSERTION", (string?)libraries.Single(p => (string?)p!["name"] == "nolicence")!["licenseDeclared"]);
        Assert.Contains(root["relationships"]!.AsArray(), r => (string?)r!["relationshipType"] == "DESCRIBES" && (string?)r["relatedSpdxElement"] == "SPDXRef-Layer-notebook");
        Snapshot.Match(Encoding.UTF8.GetString(document), "spdx");
    }

    [Fact]
    public void A_conda_purl_has_the_qualifiers_purl_spec_defines_in_key_order()
    {
        // purl-spec's example for the conda type: pkg:conda/absl-py@0.4.1?build=py36h06a4308_0&channel=main&subdir=linux-64&type=tar.bz2
        var record = new PackageRecord { Name = "absl-py", Version = Version.Parse("0.4.1"), Build = "py36h06a4308_0", Subdir = "linux-64", FileName = "absl-py-0.4.1-py36h06a4308_0.tar.bz2", Channel = "main" };
        Assert.Equal("pkg:conda/absl-py@0.4.1?build=py36h06a4308_0&channel=main&subdir=linux-64&type=tar.bz2", Purls.Conda(record));
        Assert.Equal("pkg:conda/x@1%211.0%2Blocal?build=0&channel=https%3A%2F%2Fconda.anaconda.org%2Fconda-forge&subdir=noarch&type=conda",
            Purls.Conda(record with { Name = "x", Version = Version.Parse("1!1.0+local"), Build = "0", Subdir = "noarch", FileName = "x-1!1.0+local-0.conda", Channel = Forge }));
    }

    [Fact]
    public void A_validator_that_accepts_everything_is_not_what_these_tests_use()
    {
        // The schemas reject a BOM without its format, and an SPDX document without its version: the checks can fail.
        var broken = JsonNode.Parse(CycloneDx.Write(Subject()))!.AsObject();
        broken.Remove("bomFormat");
        Assert.False(SbomSchemas.IsValid(SbomSchemas.CycloneDx.Value, broken.ToJsonString()));
        var spdx = JsonNode.Parse(Spdx.Write(Subject()))!.AsObject();
        spdx.Remove("spdxVersion");
        Assert.False(SbomSchemas.IsValid(SbomSchemas.Spdx.Value, spdx.ToJsonString()));
    }
}
