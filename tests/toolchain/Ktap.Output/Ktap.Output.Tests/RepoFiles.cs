namespace Ktap.Output.Tests;

/// <summary>The repository's files (docs, definitions), found above the test assembly by Ktap.sln.</summary>
internal static class RepoFiles
{
    public static string Root { get; } = FindRoot();

    public static string Read(params string[] parts) => File.ReadAllText(Path.Combine([Root, .. parts]));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Ktap.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException("Ktap.sln not found above " + AppContext.BaseDirectory);
    }
}
