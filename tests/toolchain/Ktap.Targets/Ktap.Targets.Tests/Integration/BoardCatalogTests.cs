using System.Text.RegularExpressions;

namespace Ktap.Targets.Tests.Integration;

/// <summary>
/// KtapBoard naming the event catalog `ktap` saved for a board: tracepoints and `args.NAME`
/// fields are checked in the firmware build, and a misspelling is an error at its place.
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed partial class BoardCatalogTests(PackageFeedFixture feed)
{
    // The board's catalog as ktap caches it: boards/NAME/catalog/RELEASE/formats.txt, the
    // output of `grep -H field: */*/format` in tracefs/events.
    private const string Formats =
        "sched/sched_switch/format:\tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;\n" +
        "sched/sched_switch/format:\tfield:pid_t prev_pid;\toffset:24;\tsize:4;\tsigned:1;\n" +
        "sched/sched_switch/format:\tfield:pid_t next_pid;\toffset:56;\tsize:4;\tsigned:1;\n" +
        "sched/sched_wakeup/format:\tfield:pid_t pid;\toffset:24;\tsize:4;\tsigned:1;\n";

    [GeneratedRegex(@"^\s*(?:\d+>)?(?<file>\S.*?)\((?<line>\d+),(?<col>\d+),(?<endLine>\d+),(?<endCol>\d+)\): error (?<code>KTAP\d+): (?<message>.*?)(?: \[[^\]]*\])?$")]
    private static partial Regex ErrorLine();

    private static Match ErrorAt(ProcessResult result, string file)
    {
        var error = result.Lines.Select(l => ErrorLine().Match(l)).FirstOrDefault(m => m.Success && m.Groups["file"].Value == file);
        Assert.True(error is not null, "no error line for " + file + ":\n" + result.Output);
        return error;
    }

    [Fact]
    public void Scripts_are_checked_against_the_saved_catalog_of_the_board()
    {
        var project = feed.NewFirmwareProject(nameof(Scripts_are_checked_against_the_saved_catalog_of_the_board));
        foreach (var sample in Directory.GetFiles(Path.Combine(project.Directory, "probes"), "*.kp"))
            File.Delete(sample);
        var catalog = Path.Combine(project.Directory, "state", "boards", "vexpress", "catalog", "6.1.0");
        Directory.CreateDirectory(catalog);
        File.WriteAllText(Path.Combine(catalog, "formats.txt"), Formats);
        project.EditProject("<KtapTarget>arm-v7</KtapTarget>", "<KtapTarget>arm-v7</KtapTarget>\n    <KtapBoard>state/boards/vexpress/catalog/6.1.0/</KtapBoard>");
        var script = project.Script("switches.kp");

        // Good: every event and field is on the board; no KTAPMSB100 "not checked" warning any more.
        File.WriteAllText(script, "# switches.kp\ntrace sched:sched_switch {\n    print(args.prev_pid, args.next_pid)\n}\ntrace sched:sched_* { }\n");
        var good = project.BuildSucceeded();
        Assert.DoesNotContain(good.Lines, l => l.Contains("KTAPMSB100") || l.Contains("warning KTAP"));
        Assert.True(File.Exists(project.Bundle("switches.kbc")));

        // A misspelt tracepoint: line 2, columns 7-24 are "sched:sched_swich".
        File.WriteAllText(script, "# switches.kp\ntrace sched:sched_swich {\n    print(args.prev_pid)\n}\n");
        var badEvent = project.Build();
        Assert.NotEqual(0, badEvent.ExitCode);
        var eventError = ErrorAt(badEvent, script);
        Assert.Equal(("KTAP3017", "2", "7", "2", "24"), (eventError.Groups["code"].Value, eventError.Groups["line"].Value,
            eventError.Groups["col"].Value, eventError.Groups["endLine"].Value, eventError.Groups["endCol"].Value));
        Assert.Equal("no such tracepoint 'sched:sched_swich' on vexpress (6.1.0) (did you mean 'sched:sched_switch'?)", eventError.Groups["message"].Value);
        Assert.False(File.Exists(project.Bundle("switches.kbc")));

        // A misspelt field: line 3, columns 16-24 are "prev_pdi" of args.prev_pdi.
        File.WriteAllText(script, "# switches.kp\ntrace sched:sched_switch {\n    print(args.prev_pdi)\n}\n");
        var badField = project.Build();
        Assert.NotEqual(0, badField.ExitCode);
        var fieldError = ErrorAt(badField, script);
        Assert.Equal(("KTAP3018", "3", "16", "3", "24"), (fieldError.Groups["code"].Value, fieldError.Groups["line"].Value,
            fieldError.Groups["col"].Value, fieldError.Groups["endLine"].Value, fieldError.Groups["endCol"].Value));
        Assert.Equal("sched:sched_switch on vexpress (6.1.0) has no field 'prev_pdi' (did you mean 'prev_pid'?)", fieldError.Groups["message"].Value);
        Assert.False(File.Exists(project.Bundle("switches.kbc")));
    }

    [Fact]
    public void Changing_the_catalog_rechecks_the_scripts()
    {
        var project = feed.NewFirmwareProject(nameof(Changing_the_catalog_rechecks_the_scripts));
        foreach (var sample in Directory.GetFiles(Path.Combine(project.Directory, "probes"), "*.kp"))
            File.Delete(sample);
        var formats = Path.Combine(project.Directory, "formats.txt");
        File.WriteAllText(formats, Formats);
        var script = project.Script("wakeups.kp");
        File.WriteAllText(script, "trace sched:sched_wakeup { print(args.pid) }\n");
        project.BuildSucceeded("-p:KtapBoard=formats.txt");

        // The board's kernel changed and lost the event: the unchanged script must fail now.
        File.WriteAllText(formats, Formats.Replace("sched/sched_wakeup/", "sched/sched_waking/"));
        var result = project.Build("-p:KtapBoard=formats.txt");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal(("KTAP3017", "1"), (ErrorAt(result, script).Groups["code"].Value, ErrorAt(result, script).Groups["line"].Value));
    }
}
