using Ktap.Profiles;

namespace Ktap.Tool.Boards;

/// <summary>The bridge from a board's `target:` and `uname -m` to the compiler's target profiles.</summary>
public static class KnownTargets
{
    /// <summary>Canonical profile names (aliases are accepted too, see TargetProfiles.Names).</summary>
    public static IReadOnlyList<string> Names { get; } = TargetProfiles.All.Select(p => p.Name).ToArray();

    public static TargetProfile? Resolve(string name) => TargetProfiles.Find(name);

    /// <summary>`uname -m` of a board → the profile it runs (ppc, armv7l and aarch64 are profile aliases).</summary>
    public static TargetProfile? FromUname(string machine) => machine switch
    {
        "i486" or "i586" => TargetProfiles.X86,
        _ => TargetProfiles.Find(machine),
    };
}
