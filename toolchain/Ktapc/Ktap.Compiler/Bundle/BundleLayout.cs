namespace Ktap.Bundle;

/// <summary>Section ids of docs/bundle-format.md.</summary>
public enum SectionId : uint
{
    Strings = 1, Constants = 2, Functions = 3, Code = 4, Lines = 5, Events = 6,
    FetchArgs = 7, Formats = 8, Globals = 9, Args = 10, Limits = 11,
    /// <summary>Kernel symbol literals to resolve (format 2 only; the host removes it when linking).</summary>
    Ksyms = 12,
}

/// <summary>The fixed numbers of docs/bundle-format.md v1, in one place.</summary>
public static class BundleLayout
{
    public static ReadOnlySpan<byte> Magic => [0x1B, 0x4B, 0x42, 0x43];
    public static ReadOnlySpan<byte> Tail => [0x0D, 0x0A, 0x1A, 0x0A];
    public const byte FormatVersion = 1;
    /// <summary>Format 1 plus a KSYMS section: written by ktapc for a script with kernel symbol
    /// literals, read by the host only (the VM refuses it: link the bundle for a board).</summary>
    public const byte FormatVersionUnlinked = 2;
    /// <summary>Format 1 whose FUNCTIONS items carry an upvalue count (byte 28): written only for
    /// a script with closures, so a closure-free bundle stays format 1 for older VMs.</summary>
    public const byte FormatVersionUpvalues = 3;
    /// <summary>Format 3 plus a KSYMS section (host only; linking makes it format 3).</summary>
    public const byte FormatVersionUnlinkedUpvalues = 4;
    /// <summary>A closure's cells are the registers after it (CLOSURE A: R(A+1)..R(A+n)).</summary>
    public const int MaxUpvalues = 249;

    public static bool IsKnownVersion(byte v) => v is >= FormatVersion and <= FormatVersionUnlinkedUpvalues;
    public static bool HasKsyms(byte v) => v is FormatVersionUnlinked or FormatVersionUnlinkedUpvalues;
    public static bool HasUpvalues(byte v) => v is FormatVersionUpvalues or FormatVersionUnlinkedUpvalues;
    /// <summary>The lowest version that holds what the bundle uses: 1, 2 (KSYMS), 3 (upvalues), 4 (both).</summary>
    public static byte VersionFor(bool upvalues, bool ksyms) =>
        upvalues ? (ksyms ? FormatVersionUnlinkedUpvalues : FormatVersionUpvalues) : (ksyms ? FormatVersionUnlinked : FormatVersion);
    public const ushort RuntimeAbi = 1;
    public const int HeaderSize = 64;
    public const uint EndianCheck = 0x4B544150;
    public const ulong IntCheck = 0x0102030405060708;
    public const uint None = 0xFFFFFFFF;
    public const int SectionEntrySize = 16;
    public const int MaxSections = 32;
    public const int MaxTotalSize = 16 * 1024 * 1024;
    public const int MaxTableItems = 65536;
    public const int MaxInstructions = 1048576;
    public const int MaxGlobals = 65536;
    public const int MaxStringLength = 65535;
    public const int MaxFrameSize = 250;

    // Header field offsets.
    public const int OffMagic = 0, OffVersion = 4, OffByteOrder = 5, OffWordSize = 6, OffArch = 7,
        OffEndianCheck = 8, OffRuntimeAbi = 12, OffHeaderSize = 14, OffIntCheck = 16, OffTotalSize = 24,
        OffSectionCount = 28, OffFlags = 30, OffChecksum = 32, OffMainFunction = 36, OffGlobalCount = 40,
        OffSourceName = 44, OffCompilerVersion = 48, OffReserved = 52, OffTail = 60;

    public const int ConstantSize = 16, FunctionSize = 32, EventSize = 32, FetchArgSize = 24, FormatSize = 16,
        LimitSize = 16, KsymSize = 8, WordItemSize = 4;

    /// <summary>Fixed item size of a section, or 0 for STRINGS (variable).</summary>
    public static int ItemSize(SectionId id) => id switch
    {
        SectionId.Strings => 0,
        SectionId.Constants => ConstantSize,
        SectionId.Functions => FunctionSize,
        SectionId.Events => EventSize,
        SectionId.FetchArgs => FetchArgSize,
        SectionId.Formats => FormatSize,
        SectionId.Limits => LimitSize,
        SectionId.Ksyms => KsymSize,
        _ => WordItemSize,
    };

    public static bool IsRequired(SectionId id) => id <= SectionId.Globals;

    public static bool IsKnown(uint id) => id >= (uint)SectionId.Strings && id <= (uint)SectionId.Ksyms;

    public static string Name(SectionId id) => id.ToString().ToUpperInvariant();
}
