namespace Ktap.Bundle;

/// <summary>
/// The bundle format's numbers: generated from runtime/ktapvm/ktap_bundle_format.def (its
/// one definition) into the other part of this class, with the enums of the format
/// (SectionId, EventKind, ConstantKind, FetchSource, FetchType, FormatKind, LimitKey,
/// FunctionFlags). Only what the format does not define lives here.
/// </summary>
public static partial class BundleLayout
{
    /// <summary>The width of CODE, LINES, GLOBALS and ARGS items.</summary>
    public const int WordItemSize = 4;

    public static bool IsKnownVersion(byte v) => v is >= FormatVersion and <= FormatVersionUnlinkedUpvalues;
    public static bool HasKsyms(byte v) => v is FormatVersionUnlinked or FormatVersionUnlinkedUpvalues;
    public static bool HasUpvalues(byte v) => v is FormatVersionUpvalues or FormatVersionUnlinkedUpvalues;
    /// <summary>The lowest version that holds what the bundle uses: 1, 2 (KSYMS), 3 (upvalues), 4 (both).</summary>
    public static byte VersionFor(bool upvalues, bool ksyms) =>
        (byte)(upvalues ? (ksyms ? FormatVersionUnlinkedUpvalues : FormatVersionUpvalues) : (ksyms ? FormatVersionUnlinked : FormatVersion));
}
