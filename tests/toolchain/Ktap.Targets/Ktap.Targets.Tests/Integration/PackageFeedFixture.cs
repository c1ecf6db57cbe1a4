namespace Ktap.Targets.Tests.Integration;

/// <summary>
/// Packs Ktap.Targets once per test run into a fresh local folder feed, with a fresh NuGet
/// packages folder, so that no package cache can serve a copy from an earlier run.
/// </summary>
public sealed class PackageFeedFixture : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("ktap-targets-it-").FullName;
    public string RepositoryRoot { get; } = FindRepositoryRoot();
    public string Feed => Path.Combine(Root, "feed");
    public string PackagesFolder => Path.Combine(Root, "nuget-packages");
    public string PackagePath { get; }
    public string PackageVersion { get; }

    /// <summary>The environment of the sample projects' builds: a fresh NuGet packages folder.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["NUGET_PACKAGES"] = PackagesFolder };

    // Pack in the configuration the tests were built in: the projects are then already built.
#if DEBUG
    private const string BuildConfiguration = "Debug";
#else
    private const string BuildConfiguration = "Release";
#endif

    public PackageFeedFixture()
    {
        Directory.CreateDirectory(Feed);
        Directory.CreateDirectory(PackagesFolder);
        var project = Path.Combine(RepositoryRoot, "toolchain", "Ktap.Targets", "Ktap.Targets.csproj");
        // The pack itself uses the machine's package folder: the repository's own restore
        // state must keep pointing at it.
        var pack = DotNetProcess.Run(RepositoryRoot, new Dictionary<string, string>(), "pack", project, "-c", BuildConfiguration, "-o", Feed, "--nologo", "-nodeReuse:false", "-p:UseSharedCompilation=false");
        if (pack.ExitCode != 0)
            throw new InvalidOperationException($"dotnet pack failed ({pack.ExitCode}):\n{pack.Output}");
        PackagePath = Assert.Single(Directory.GetFiles(Feed, "Ktap.Targets.*.nupkg"));
        PackageVersion = Path.GetFileNameWithoutExtension(PackagePath)["Ktap.Targets.".Length..];
    }

    public FirmwareProject NewFirmwareProject(string name) => new(this, Path.Combine(Root, name));

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Ktap.sln")))
                return directory.FullName;
        throw new InvalidOperationException("Ktap.sln not found above " + AppContext.BaseDirectory);
    }
}

[CollectionDefinition(Name)]
public sealed class PackageFeedCollection : ICollectionFixture<PackageFeedFixture>
{
    // One collection: the builds run one after another (2 cores) and share one packed feed.
    public const string Name = "Ktap.Targets package";
}
