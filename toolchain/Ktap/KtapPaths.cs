namespace Ktap.Tool;

/// <summary>Where ktap finds what it ships: boards/*.yaml and the emulated boards' scripts.</summary>
public static class KtapPaths
{
    /// <summary>The source tree ktap runs from: $KTAP_ROOT, else the first parent of the binary holding boards/qemu.</summary>
    public static string? Root()
    {
        if (Environment.GetEnvironmentVariable("KTAP_ROOT") is { Length: > 0 } r) return r;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Ktap.sln")) && Directory.Exists(Path.Combine(dir.FullName, "boards")))
                return dir.FullName;
        return null;
    }

    /// <summary>boards/*.yaml: the copy next to the binary, else the source tree's.</summary>
    public static string? ShippedBoards()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "boards");
        if (Directory.Exists(beside)) return beside;
        return Root() is { } root ? Path.Combine(root, "boards") : null;
    }
}
