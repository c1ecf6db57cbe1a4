using System.Text.RegularExpressions;

namespace Ktap.Targets.Tests.Integration;

/// <summary>
/// A copy of samples/firmware in a temporary folder, restoring Ktap.Targets from the test
/// feed (plus nuget.org, as a real project would), built with `dotnet build` in a process.
/// </summary>
public sealed partial class FirmwareProject
{
    private readonly PackageFeedFixture feed;

    public FirmwareProject(PackageFeedFixture feed, string directory)
    {
        this.feed = feed;
        Directory = directory;
        CopyDirectory(Path.Combine(feed.RepositoryRoot, "samples", "firmware"), directory);
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="ktap-test-feed" value="{feed.Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="ktap-test-feed"><package pattern="Ktap.Targets" /></packageSource>
                <packageSource key="nuget.org"><package pattern="*" /></packageSource>
              </packageSourceMapping>
            </configuration>
            """);
    }

    public string Directory { get; }
    public string ProjectFile => Path.Combine(Directory, "Firmware.csproj");
    public string OutputDirectory => Path.Combine(Directory, "bin", "Debug", "net10.0");
    public string BundleDirectory => Path.Combine(OutputDirectory, "ktap");
    public string Script(string name) => Path.Combine(Directory, "probes", name);
    public string Bundle(string name) => Path.Combine(BundleDirectory, name);
    public string[] Bundles => System.IO.Directory.Exists(BundleDirectory)
        ? System.IO.Directory.GetFiles(BundleDirectory, "*.kbc").Select(f => Path.GetFileName(f)).Order().ToArray()
        : Array.Empty<string>();

    public ProcessResult Build(params string[] extra) => Run("build", extra);
    public ProcessResult Clean() => Run("clean");
    public ProcessResult Publish(string publishDirectory) => Run("publish", "-o", publishDirectory);

    public ProcessResult BuildSucceeded(params string[] extra)
    {
        var result = Build(extra);
        Assert.True(result.ExitCode == 0, $"build failed ({result.ExitCode}):\n{result.Output}");
        return result;
    }

    public void EditProject(string from, string to)
    {
        var text = File.ReadAllText(ProjectFile);
        Assert.Contains(from, text);
        File.WriteAllText(ProjectFile, text.Replace(from, to));
    }

    /// <summary>The scripts the compiler host compiled in this build (its "A -> B" lines).</summary>
    public static string[] CompiledScripts(ProcessResult result) =>
        result.Lines.Select(l => CompiledLine().Match(l)).Where(m => m.Success)
            .Select(m => Path.GetFileName(m.Groups["source"].Value)).Order().ToArray();

    private ProcessResult Run(string verb, params string[] extra)
    {
        var arguments = new List<string> { verb, ProjectFile, "--nologo", "-tl:off", "-v:n", "-nodeReuse:false", "-p:UseSharedCompilation=false", $"-p:KtapTargetsVersion={feed.PackageVersion}" };
        arguments.AddRange(extra);
        return DotNetProcess.Run(Directory, feed.Environment, arguments.ToArray());
    }

    private static void CopyDirectory(string from, string to)
    {
        System.IO.Directory.CreateDirectory(to);
        foreach (var file in System.IO.Directory.GetFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var sub in System.IO.Directory.GetDirectories(from))
        {
            var name = Path.GetFileName(sub);
            if (name is "bin" or "obj")
                continue;
            CopyDirectory(sub, Path.Combine(to, name));
        }
    }

    [GeneratedRegex(@"ktapc-msbuild: (?<source>\S.*?\.kp) -> ")]
    private static partial Regex CompiledLine();
}
