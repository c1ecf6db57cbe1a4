namespace Ktap.Tool.Boards;

/// <summary>The target profile names a board may name (validated against the compiler's profiles).</summary>
public static class TargetNames
{
    public static IReadOnlyList<string> All => KnownTargets.Names;
    public static bool IsKnown(string name) => KnownTargets.Resolve(name) is not null;
}
