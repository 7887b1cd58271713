namespace Beacon.Layers.Diagnostics;

/// <summary>The catalogue of codes with one line each, printed by <c>beacon explain</c> and in the README table.</summary>
public static class DiagnosticCodes
{
    public static string Id(DiagnosticCode code) => $"BEA{(int)code:D4}";

    public static IReadOnlyDictionary<DiagnosticCode, string> Summaries { get; } = new Dictionary<DiagnosticCode, string>
    {
        [DiagnosticCode.YamlSyntax] = "The file is not valid YAML.",
        [DiagnosticCode.EmptyFile] = "The file is empty.",
        [DiagnosticCode.FileTooLarge] = "The file is larger than Beacon reads (1 MiB).",
        [DiagnosticCode.BinaryFile] = "The file is not UTF-8 text.",
        [DiagnosticCode.SymlinkOutsideRepository] = "A symbolic link points outside the repository.",
        [DiagnosticCode.UnreadableFile] = "The file could not be read.",
        [DiagnosticCode.UnknownKey] = "A key Beacon does not know (often a typo; a suggestion is given).",
        [DiagnosticCode.WrongType] = "A value has the wrong type (for example a list where text is expected).",
        [DiagnosticCode.MissingKey] = "A required key is missing.",
        [DiagnosticCode.DuplicateKey] = "A key appears twice in one mapping.",
        [DiagnosticCode.InvalidValue] = "A value is not one of the allowed values.",
        [DiagnosticCode.MultipleDocuments] = "The file holds more than one YAML document.",
        [DiagnosticCode.InvalidName] = "A name is not a DNS-1123 label (lower-case letters, digits, '-', at most 63).",
        [DiagnosticCode.FileNameMismatch] = "A layer or workload file is not named after its `name`.",
        [DiagnosticCode.DuplicateLayer] = "Two layers have the same name.",
        [DiagnosticCode.UnknownParent] = "A layer's parent does not exist.",
        [DiagnosticCode.ParentCycle] = "Layers are each other's parents.",
        [DiagnosticCode.MultipleRoots] = "More than one layer has no parent.",
        [DiagnosticCode.NoRoot] = "No layer is the root (every layer has a parent).",
        [DiagnosticCode.ChildSetsRootOnlyKey] = "A child layer sets `platform` or `base-image`, which only the root sets.",
        [DiagnosticCode.RootMissingKey] = "The root layer lacks `platform` or `base-image`.",
        [DiagnosticCode.InvalidMatchSpec] = "A dependency or requirement is not a valid conda MatchSpec.",
        [DiagnosticCode.InvalidVirtualPackage] = "A `system:` entry is not a known virtual package with a valid version.",
        [DiagnosticCode.InvalidChannel] = "A channel is neither a channel name nor an http(s)/file URL.",
        [DiagnosticCode.LayerUnknownHardware] = "A layer names a hardware profile that no stack or default defines.",
        [DiagnosticCode.InvalidImageReference] = "`base-image` is not a valid image reference.",
        [DiagnosticCode.InvalidTestCommand] = "A test command is empty or contains control characters.",
        [DiagnosticCode.DuplicateWorkload] = "Two workloads have the same name.",
        [DiagnosticCode.WorkloadUnknownLayer] = "A workload pins a layer that does not exist.",
        [DiagnosticCode.WorkloadUnknownHardware] = "A workload names an unknown hardware profile.",
        [DiagnosticCode.InvalidSchedule] = "A cron schedule is missing or malformed (five fields).",
        [DiagnosticCode.InvalidPort] = "A port is not an integer between 1 and 65535.",
        [DiagnosticCode.InvalidEnvironment] = "An environment variable name or value is invalid.",
        [DiagnosticCode.KindMismatch] = "A key does not apply to this workload kind.",
        [DiagnosticCode.UnknownCloud] = "`beacon:cloud` is not local, kubernetes, aws, gcp or azure.",
        [DiagnosticCode.InvalidStackName] = "A stack file is not named Pulumi.<stack>.yaml with a valid stack name.",
        [DiagnosticCode.UnknownStage] = "A stage is not `experimental` or `production`.",
        [DiagnosticCode.InvalidStackSetting] = "A `beacon:*` stack setting is invalid.",
        [DiagnosticCode.InvalidHardwareProfile] = "A hardware profile is malformed.",
        [DiagnosticCode.InvalidLockFile] = "A lock file is not a valid explicit lock (edited by hand?).",
    };
}
