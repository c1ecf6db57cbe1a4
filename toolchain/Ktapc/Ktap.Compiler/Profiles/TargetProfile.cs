namespace Ktap.Profiles;

public enum ByteOrder : byte { Little = 1, Big = 2 }

/// <summary>Architecture numbers of the bundle header (docs/bundle-format.md).</summary>
public enum TargetArch : byte { X86 = 1, X86_64 = 2, ArmV7 = 3, PowerPC = 4 }

/// <summary>
/// Everything the compiler knows about one target: byte order, word size, registers and
/// calling convention (from runtime/arch/&lt;ArchDirectory&gt;/ktap_regs.def) and the
/// kernel's naming conventions. Adding a target is adding one profile to TargetProfiles.
/// </summary>
public sealed record TargetProfile(
    string Name,
    IReadOnlyList<string> Aliases,
    TargetArch Arch,
    ByteOrder ByteOrder,
    int WordSize,
    string ArchDirectory,
    string Description)
{
    public RegisterFile Registers => RegisterFiles.ByArch[ArchDirectory];
}
