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
}
