using System.Text.RegularExpressions;

namespace Ktap.Targets.Tests.Integration;

/// <summary>Errors reach MSBuild with code, file, line, column and end, and fail the build.</summary>
[Collection(PackageFeedCollection.Name)]
public sealed partial class DiagnosticTests(PackageFeedFixture feed)
{
    // MSBuild's console form of an error event: FILE(LINE,COL[,ENDLINE,ENDCOL]): error CODE: MESSAGE [PROJECT]
    [GeneratedRegex(@"^\s*(?:\d+>)?(?<file>\S.*?)\((?<line>\d+),(?<col>\d+)(?:,(?<endLine>\d+),(?<endCol>\d+))?\): error (?<code>[A-Z]+\d+): (?<message>.*?)(?: \[[^\]]*\])?$")]
    private static partial Regex ErrorLine();

    private static List<Match> Errors(ProcessResult result) =>
        result.Lines.Select(l => ErrorLine().Match(l)).Where(m => m.Success).ToList();

    [Fact]
    public void A_script_with_a_syntax_error_fails_the_build_at_the_errors_file_line_and_column()
    {
        var project = feed.NewFirmwareProject(nameof(A_script_with_a_syntax_error_fails_the_build_at_the_errors_file_line_and_column));
        var broken = project.Script("broken.kp");
        // Line 3, column 8 is the '*' where an expression must start.
        File.WriteAllText(broken, "# broken on purpose\ns = ptable()\nx = 1 +* 2\n");

        var result = project.Build();

        Assert.NotEqual(0, result.ExitCode);
        var error = Errors(result).FirstOrDefault(m => m.Groups["file"].Value == broken);
        Assert.True(error is not null, "no error line for " + broken + ":\n" + result.Output);
        Assert.StartsWith("KTAP", error.Groups["code"].Value);
        Assert.Equal(3, int.Parse(error.Groups["line"].Value));
        Assert.Equal(8, int.Parse(error.Groups["col"].Value));
        Assert.True(error.Groups["endLine"].Success, "the error has no end line and column: " + error.Value);
        Assert.True(int.Parse(error.Groups["endLine"].Value) >= 3);
        Assert.False(File.Exists(project.Bundle("broken.kbc")));
    }

    // MSBuild's console form of a warning event, as above.
    [GeneratedRegex(@"^\s*(?:\d+>)?(?<file>\S.*?)\((?<line>\d+),(?<col>\d+),(?<endLine>\d+),(?<endCol>\d+)\): warning (?<code>[A-Z]+\d+): ")]
    private static partial Regex WarningLine();

    [Fact]
    public void A_warning_keeps_the_build_going_and_KtapTreatWarningsAsErrors_makes_it_fail()
    {
        var project = feed.NewFirmwareProject(nameof(A_warning_keeps_the_build_going_and_KtapTreatWarningsAsErrors_makes_it_fail));
        var script = project.Script("unused.kp");
        // Line 2, column 11 is the local that is never used (KTAP2012).
        File.WriteAllText(script, "trace_end {\n    local unused = 1\n}\n");

        var lenient = project.BuildSucceeded();

        var warning = lenient.Lines.Select(l => WarningLine().Match(l)).FirstOrDefault(m => m.Success && m.Groups["file"].Value == script);
        Assert.True(warning is not null, "no warning line for " + script + ":\n" + lenient.Output);
        Assert.Equal(("KTAP2012", "2", "11"), (warning.Groups["code"].Value, warning.Groups["line"].Value, warning.Groups["col"].Value));
        Assert.True(File.Exists(project.Bundle("unused.kbc")));

        var strict = project.Build("-p:KtapTreatWarningsAsErrors=true");

        Assert.NotEqual(0, strict.ExitCode);
        var error = Errors(strict).FirstOrDefault(m => m.Groups["file"].Value == script);
        Assert.True(error is not null, "no error line for " + script + ":\n" + strict.Output);
        Assert.Equal(("KTAP2012", "2", "11"), (error.Groups["code"].Value, error.Groups["line"].Value, error.Groups["col"].Value));
        Assert.False(File.Exists(project.Bundle("unused.kbc")));
    }

    [Fact]
    public void A_missing_target_is_an_error_that_names_the_script()
    {
        var project = feed.NewFirmwareProject(nameof(A_missing_target_is_an_error_that_names_the_script));
        project.EditProject("<KtapTarget>arm-v7</KtapTarget>", "");

        var result = project.Build();

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(result.Lines, l => l.Contains(project.Script("opens.kp") + " : error KTAPMSB003: no target profile for this script"));
        Assert.Empty(project.Bundles);
    }

    [Fact]
    public void A_missing_board_file_is_an_error_and_a_file_that_is_not_a_catalog_too()
    {
        var project = feed.NewFirmwareProject(nameof(A_missing_board_file_is_an_error_and_a_file_that_is_not_a_catalog_too));
        var board = Path.Combine(project.Directory, "boards", "vexpress.yaml");

        var missing = project.Build("-p:KtapBoard=boards/vexpress.yaml");

        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains(missing.Lines, l => l.Contains("error KTAPMSB002: KtapBoard names '" + board + "', which does not exist"));

        Directory.CreateDirectory(Path.GetDirectoryName(board)!);
        File.WriteAllText(board, "name: vexpress\n");
        var notCatalog = project.Build("-p:KtapBoard=boards/vexpress.yaml");

        // A board profile is not a saved event catalog (docs/msbuild.md): the check cannot run, so the build fails.
        Assert.NotEqual(0, notCatalog.ExitCode);
        Assert.Contains(notCatalog.Lines, l => l.Contains(board + " : error KTAPMSB101: cannot read the event catalog named by KtapBoard"));
        Assert.Empty(project.Bundles);
    }

    [Fact]
    public void Two_scripts_writing_the_same_bundle_is_an_error_before_anything_is_compiled()
    {
        var project = feed.NewFirmwareProject(nameof(Two_scripts_writing_the_same_bundle_is_an_error_before_anything_is_compiled));
        project.EditProject("<KtapScript Include=\"probes/*.kp\" />",
            "<KtapScript Include=\"probes/*.kp\" />\n    <KtapScript Update=\"probes/opens.kp\" OutputName=\"syscalls\" />");

        var result = project.Build();

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(result.Lines, l => l.Contains("error KTAPMSB006: two KtapScript items would write the same bundle"));
        Assert.Empty(FirmwareProject.CompiledScripts(result));
    }
}
