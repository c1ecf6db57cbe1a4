namespace Ktap.Profiles;

// ByteOrder and TargetArch, the bundle header's numbers, are generated from
// runtime/ktapvm/ktap_bundle_format.def.

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

    /// <summary>System-call tracepoint conventions and the syscalls this architecture lacks.</summary>
    public SyscallConventions Syscalls { get; init; } = new(Array.Empty<string>(), "");

    /// <summary>The register numbered <paramref name="number"/> in the bundle, or null.</summary>
    public RegisterInfo? FindRegister(int number) => Registers.Registers.FirstOrDefault(r => r.Number == number);

    /// <summary>The register the kprobe tracer spells <paramref name="name"/> (a leading % is allowed), or null.</summary>
    public RegisterInfo? FindRegister(string name)
    {
        var bare = name.StartsWith('%') ? name[1..] : name;
        return Registers.Registers.FirstOrDefault(r => r.Name.Equals(bare, StringComparison.Ordinal));
    }

    public override string ToString() => Name;
}
