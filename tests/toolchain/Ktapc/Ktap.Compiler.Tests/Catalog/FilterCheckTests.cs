using Ktap.Compilation;
using Ktap.Catalog;

namespace Ktap.Compiler.Tests.Catalog;

/// <summary>A /FILTER/ checked against the board's formats: the kernel's filter would
/// silently match nothing for each of these mistakes, so each is an error at link time.</summary>
public sealed class FilterCheckTests
{
    // Excerpts of 6.1's format files, common fields included as tracefs lists them.
    private const string Formats =
        "syscalls/sys_enter_openat/format:\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n" +
        "syscalls/sys_enter_openat/format:\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n" +
        "syscalls/sys_enter_openat/format:\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n" +
        "syscalls/sys_enter_openat/format:\tfield:int dfd;\toffset:16;\tsize:8;\tsigned:0;\n" +
        "syscalls/sys_enter_openat/format:\tfield:const char * filename;\toffset:24;\tsize:8;\tsigned:0;\n" +
        "syscalls/sys_enter_openat/format:\tfield:int flags;\toffset:32;\tsize:8;\tsigned:0;\n" +
        "syscalls/sys_exit_read/format:\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n" +
        "syscalls/sys_exit_read/format:\tfield:long ret;\toffset:16;\tsize:8;\tsigned:1;\n" +
        "syscalls/sys_enter_read/format:\tfield:size_t count;\toffset:32;\tsize:8;\tsigned:0;\n" +
        "sched/sched_switch/format:\tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;\n" +
        "sched/sched_switch/format:\tfield:pid_t prev_pid;\toffset:24;\tsize:4;\tsigned:1;\n" +
        "sched/sched_wakeup/format:\tfield:__data_loc char[] comm;\toffset:8;\tsize:4;\tsigned:0;\n" +
        "sched/sched_wakeup/format:\tfield:pid_t pid;\toffset:24;\tsize:4;\tsigned:1;\n" +
        "irq/irq_handler_entry/format:\tfield:int irq;\toffset:8;\tsize:4;\tsigned:1;\n";

    private static readonly EventCatalog Catalog = new(EventCatalog.ParseFormats(Formats), []);

    private static IReadOnlyList<EventProblem> Check(string source)
    {
        var result = KtapCompiler.CompileToModel(new CompileOptions("x86_64", "t.kp", source));
        Assert.True(result.Model is not null, string.Join("\n", result.Diagnostics));
        return EventCheck.Check(result.Model, Catalog);
    }

    [Theory]
    [InlineData("trace syscalls:sys_enter_read /count > 1000/ { }")]
    [InlineData("trace sched:sched_switch /prev_comm == \"cat\" && prev_pid != 0/ { }")]
    [InlineData("trace sched:sched_switch /prev_comm ~ cat* || !(prev_pid < 0x10)/ { }")]
    [InlineData("trace sched:sched_wakeup /comm == \"cat\"/ { }")]            // the event's own comm (__data_loc)
    [InlineData("trace irq:irq_handler_entry /comm == \"cat\" && common_pid == 5 && cpu == 0 && CPU != 1 && COMM ~ \"c*\" && common_cpu < 4/ { }")]
    [InlineData("trace syscalls:sys_enter_openat /filename != 0 && flags & 0x40/ { }")] // a pointer as a number is fine
    [InlineData("trace syscalls:sys_enter_openat /dfd == -100/ { }")]
    [InlineData("trace sched:sched_switch /prev_comm == \"a == b\"/ { }")]      // a comparison inside a string is text
    public void Fields_of_the_event_and_of_the_task_are_accepted(string source)
    {
        Assert.Empty(Check(source));
    }

    [Fact]
    public void A_misspelt_field_is_an_error_with_did_you_mean()
    {
        var problem = Assert.Single(Check("trace syscalls:sys_enter_read /cout > 1000/ { }"));
        Assert.Equal(new EventProblem(EventProblemKind.UnknownFilterField, "cout", "syscalls:sys_enter_read", "count"), problem);
        Assert.False(problem.IsWarning);
    }

    [Fact]
    public void A_field_of_another_event_is_unknown()
    {
        var problem = Assert.Single(Check("trace sched:sched_switch /pid == 1/ { }"));
        Assert.Equal(EventProblemKind.UnknownFilterField, problem.Kind);
        Assert.Equal("pid", problem.Subject);
    }

    [Fact]
    public void A_string_compared_with_a_pointer_names_user_string()
    {
        var source = "trace syscalls:sys_enter_openat /filename == \"/dev/null\"/ { }";
        var problem = Assert.Single(Check(source));
        Assert.Equal(new EventProblem(EventProblemKind.FilterStringOnPointer, "filename", "syscalls:sys_enter_openat", null, "const char * filename"), problem);
        var d = Assert.Single(EventDiagnostics.From([problem], "t.kp", source, "b1"));
        Assert.Equal(("KTAP3020", 1, 34, 1, 42), (d.Code, d.Line, d.Column, d.EndLine, d.EndColumn));
        Assert.Contains("user_string(args.filename)", d.Message);
        Assert.Contains("const char * filename", d.Message);
    }

    [Fact]
    public void A_bare_word_on_a_pointer_is_a_string_too()
    {
        Assert.Equal(EventProblemKind.FilterStringOnPointer, Assert.Single(Check("trace syscalls:sys_enter_openat /filename ~ *null/ { }")).Kind);
    }

    [Theory]
    [InlineData("trace sched:sched_switch /prev_pid == \"bash\"/ { }", "prev_pid", "pid_t prev_pid", "a string")]
    [InlineData("trace sched:sched_switch /prev_pid == bash/ { }", "prev_pid", "pid_t prev_pid", "a string")]
    [InlineData("trace sched:sched_switch /prev_comm == 5/ { }", "prev_comm", "char prev_comm[16]", "a number")]
    [InlineData("trace sched:sched_wakeup /comm != 0x10/ { }", "comm", "__data_loc char[] comm", "a number")]
    [InlineData("trace irq:irq_handler_entry /comm == 3/ { }", "comm", "char comm[16]", "a number")]
    [InlineData("trace irq:irq_handler_entry /common_pid == init/ { }", "common_pid", "int common_pid", "a string")]
    public void A_value_of_the_wrong_type_never_matches_and_is_an_error(string source, string field, string declaration, string with)
    {
        var problem = Assert.Single(Check(source));
        Assert.Equal(EventProblemKind.FilterValueType, problem.Kind);
        Assert.Equal(field, problem.Subject);
        Assert.Equal(declaration, problem.Detail);
        var d = Assert.Single(EventDiagnostics.From([problem], "t.kp", source, "b1"));
        Assert.Equal("KTAP3021", d.Code);
        Assert.EndsWith($"compares it with {with}: it would never match", d.Message);
    }

    [Fact]
    public void Every_bad_term_of_a_filter_is_reported_once()
    {
        var problems = Check("trace sched:sched_switch /prev_pdi == 1 || prev_pdi == 2 || nope > 3/ { }");
        Assert.Equal(new[] { "prev_pdi", "nope" }, problems.Select(p => p.Subject));
        Assert.Equal("prev_pid", problems[0].Suggestion);
    }

    [Fact]
    public void The_filter_diagnostic_points_at_the_field_in_the_filter_not_in_a_string_or_the_handler()
    {
        var source = "trace syscalls:sys_enter_read /count == 1 || cout > 1000/ {\n  printf(\"cout > 1000\")\n}\n";
        var d = Assert.Single(EventDiagnostics.From(Check(source), "t.kp", source, "b1"));
        Assert.Equal(("KTAP3019", 1, 46, 1, 50), (d.Code, d.Line, d.Column, d.EndLine, d.EndColumn));
        Assert.Equal("filter: syscalls:sys_enter_read on b1 has no field 'cout' (did you mean 'count'?); the filter would match nothing", d.Message);
    }

    [Fact]
    public void User_string_at_syscall_entry_is_a_warning_and_at_exit_is_not()
    {
        var source = "trace syscalls:sys_enter_openat { print(user_string(arg3)) }";
        var problem = Assert.Single(Check(source));
        Assert.Equal(EventProblemKind.UserStringAtSyscallEntry, problem.Kind);
        Assert.True(problem.IsWarning);
        var d = Assert.Single(EventDiagnostics.From([problem], "t.kp", source, "b1"));
        Assert.Equal(("KTAP3022", false), (d.Code, d.IsError));
        Assert.Empty(Check("trace syscalls:sys_exit_read { print(user_string(arg2)) }"));
        Assert.Empty(Check("trace syscalls:sys_enter_openat { print(arg3) }"));
    }

    [Fact]
    public void A_glob_over_entries_warns_once()
    {
        Assert.Single(Check("trace syscalls:sys_enter_* { print(user_string(arg2)) }"));
    }
}
