using Ktap.Profiles;

namespace Ktap.Tool.Boards;

/// <summary>
/// The bridge from a board's `target:` to the compiler's target facts (arch, byte order,
/// word size). Names are the bundle header's architecture names (docs/bundle-format.md).
/// </summary>
public static class KnownTargets
{
    public sealed record Target(string Name, TargetArch Arch, ByteOrder ByteOrder, int WordSize);

    private static readonly Target[] Targets =
    [
        new("x86", TargetArch.X86, ByteOrder.Little, 4),
        new("x86_64", TargetArch.X86_64, ByteOrder.Little, 8),
        new("arm-v7", TargetArch.ArmV7, ByteOrder.Little, 4),
        new("powerpc", TargetArch.PowerPC, ByteOrder.Big, 4),
    ];

    public static IReadOnlyList<string> Names { get; } = Targets.Select(t => t.Name).ToArray();

    public static Target? Resolve(string name) => Targets.FirstOrDefault(t => t.Name == name);

    public static Target? ByArch(TargetArch arch) => Targets.FirstOrDefault(t => t.Arch == arch);

    /// <summary>`uname -m` of a board → the target it runs.</summary>
    public static Target? FromUname(string machine) => machine switch
    {
        "x86_64" => Resolve("x86_64"),
        "i386" or "i486" or "i586" or "i686" => Resolve("x86"),
        "armv7l" or "armv7" or "armv7a" => Resolve("arm-v7"),
        "ppc" or "powerpc" => Resolve("powerpc"),
        _ => null,
    };
}
