namespace Ktap.Compiler.Tests.Samples;

/// <summary>The repository's samples/ folder, found by walking up from the test binaries.</summary>
internal static class SampleFiles
{
    public static string Root { get; } = FindRoot();

    public static IReadOnlyList<string> Scripts { get; } =
        Directory.GetFiles(Root, "*.kp", SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal).ToArray();

    public static string Relative(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');

    public static IReadOnlyList<string> OneLiners { get; } =
        File.ReadAllLines(Path.Combine(Root, "one-liners.txt")).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Ktap.sln")) && Directory.Exists(Path.Combine(dir.FullName, "samples")))
                return Path.Combine(dir.FullName, "samples");
        throw new DirectoryNotFoundException("samples/ not found above " + AppContext.BaseDirectory);
    }
}
