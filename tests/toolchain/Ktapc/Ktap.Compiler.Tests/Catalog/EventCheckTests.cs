using Ktap.Compilation;
using Ktap.Catalog;

namespace Ktap.Compiler.Tests.Catalog;

/// <summary>The one event check shared by `ktap run` and Ktap.Targets, and its spans.</summary>
public sealed class EventCheckTests
{
    private const string Formats =
        "sched/sched_switch/format:\tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;\n" +
        "sched/sched_switch/format:\tfield:pid_t prev_pid;\toffset:24;\tsize:4;\tsigned:1;\n" +
        "sched/sched_wakeup/format:\tfield:__data_loc char[] comm;\toffset:8;\tsize:4;\tsigned:0;\n" +
        "sched/sched_wakeup/format:\tfield:pid_t pid;\toffset:24;\tsize:4;\tsigned:1;\n";

    private static readonly EventCatalog Catalog = new(EventCatalog.ParseFormats(Formats), []);

    private static (IReadOnlyList<EventProblem> Problems, string Source) Check(string source)
    {
        var result = KtapCompiler.CompileToModel(new CompileOptions("x86_64", "t.kp", source));
        Assert.True(result.Model is not null, string.Join("\n", result.Diagnostics));
        return (EventCheck.Check(result.Model, Catalog), source);
    }

    [Fact]
    public void Globs_and_fields_of_every_matched_event_are_accepted()
    {
        Assert.Empty(Check("trace sched:sched_* { print(args.pid, args.prev_pid, args.comm) }").Problems);
    }

    [Fact]
    public void An_unknown_tracepoint_suggests_the_closest_and_hides_its_fields()
    {
        var problem = Assert.Single(Check("trace sched:sched_swich { print(args.nope) }").Problems);
        Assert.Equal(new EventProblem(EventProblemKind.UnknownTracepoint, "sched:sched_swich", "sched:sched_swich", "sched:sched_switch"), problem);
    }

    [Fact]
    public void An_unknown_field_names_the_handlers_events()
    {
        var problem = Assert.Single(Check("trace sched:sched_switch { print(args.prev_pdi) }").Problems);
        Assert.Equal(new EventProblem(EventProblemKind.UnknownField, "prev_pdi", "sched:sched_switch", "prev_pid"), problem);
        Assert.Equal(" (did you mean 'prev_pid'?)", problem.DidYouMean);
    }

    [Fact]
    public void Diagnostics_point_at_the_code_not_at_a_comment_that_mentions_it()
    {
        var (problems, source) = Check("# args.prev_pdi and sched:sched_swich in a comment\ntrace sched:sched_swich {\n}\ntrace sched:sched_switch { print(args.prev_pdi) }\n");

        var diagnostics = EventDiagnostics.From(problems, "t.kp", source, "b1");

        Assert.Equal(new[] { ("KTAP3017", 2, 7, 2, 24), ("KTAP3018", 4, 39, 4, 47) },
            diagnostics.Select(d => (d.Code, d.Line, d.Column, d.EndLine, d.EndColumn)));
        Assert.All(diagnostics, d => Assert.True(d.IsError));
        Assert.Equal("sched:sched_switch on b1 has no field 'prev_pdi' (did you mean 'prev_pid'?)", diagnostics[1].Message);
    }

    [Fact]
    public void A_saved_catalog_loads_from_its_folder_or_file_and_names_its_board()
    {
        var root = Directory.CreateTempSubdirectory("ktap-catalog-").FullName;
        try
        {
            var folder = Path.Combine(root, "boards", "vexpress", "catalog", "6.1.0");
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, SavedCatalog.FormatsFile), Formats);
            File.WriteAllText(Path.Combine(folder, SavedCatalog.FunctionsFile), "vfs_read\nvfs_read [ext4]\ndo_sys_open\n");

            var fromFolder = SavedCatalog.Load(folder);
            var fromFile = SavedCatalog.Load(Path.Combine(folder, SavedCatalog.FormatsFile));

            Assert.Equal(new[] { "sched:sched_switch", "sched:sched_wakeup" }, fromFolder.Events.Keys.Order());
            Assert.Equal(new[] { "vfs_read", "do_sys_open" }, fromFile.Functions);
            Assert.Equal("vexpress (6.1.0)", SavedCatalog.DisplayName(folder));
            Assert.Equal("vexpress (6.1.0)", SavedCatalog.DisplayName(Path.Combine(folder, SavedCatalog.FormatsFile)));

            var notCatalog = Path.Combine(root, "board.yaml");
            File.WriteAllText(notCatalog, "name: vexpress\n");
            Assert.Contains("holds no tracepoint formats", Assert.Throws<IOException>(() => SavedCatalog.Load(notCatalog)).Message);
            Assert.Throws<FileNotFoundException>(() => SavedCatalog.Load(Path.Combine(root, "missing")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
