namespace Beacon.Layers.Diagnostics;

/// <summary>
/// Stable diagnostic codes. The number is the public contract (BEA0xxx): never renumber, only add.
/// Ranges: 00xx files and YAML, 01xx layers and the tree, 02xx workloads, 03xx stacks and settings,
/// 04xx locks and the gate, 05xx images and rendering.
/// </summary>
public enum DiagnosticCode
{
    YamlSyntax = 1,
    EmptyFile = 2,
    FileTooLarge = 3,
    BinaryFile = 4,
    SymlinkOutsideRepository = 5,
    UnreadableFile = 6,
    UnknownKey = 10,
    WrongType = 11,
    MissingKey = 12,
    DuplicateKey = 13,
    InvalidValue = 14,
    MultipleDocuments = 15,

    InvalidName = 100,
    FileNameMismatch = 101,
    DuplicateLayer = 102,
    UnknownParent = 103,
    ParentCycle = 104,
    MultipleRoots = 105,
    NoRoot = 106,
    ChildSetsRootOnlyKey = 107,
    RootMissingKey = 108,
    InvalidMatchSpec = 109,
    InvalidVirtualPackage = 110,
    InvalidChannel = 111,
    LayerUnknownHardware = 112,
    InvalidImageReference = 113,
    InvalidTestCommand = 114,

    DuplicateWorkload = 200,
    WorkloadUnknownLayer = 201,
    WorkloadUnknownHardware = 202,
    InvalidSchedule = 203,
    InvalidPort = 204,
    InvalidEnvironment = 205,
    KindMismatch = 206,
    WorkloadUnknownStack = 207,

    UnknownCloud = 300,
    InvalidStackName = 301,
    UnknownStage = 302,
    InvalidStackSetting = 303,
    InvalidHardwareProfile = 304,

    InvalidLockFile = 400,
    LayerNotLockable = 401,
    MissingLock = 402,
    StaleLock = 403,
    ParentLockChanged = 404,
    ParentRecordAltered = 405,
    DependencyNotInLock = 406,
    VirtualRequirementUnmet = 407,
    GpuLayerWithoutGpu = 408,
    OrphanLock = 409,
    LockHeaderMismatch = 410,
    WorkloadLayerLacksRequirement = 411,
    NoAcceptableLayer = 412,
}
