using Ktap.Compiler.Tests.Compilation;
using Ktap.Diagnostics;

namespace Ktap.Compiler.Tests.Syntax;

/// <summary>Diagnostics that say what to write instead: built-in names, printf length modifiers, bpftrace input.</summary>
public class UserHelpTests
{
    private static Diagnostic Only(string script)
    {
        var errors = TestCompiler.Errors(script);
        Assert.True(errors.Count == 1, "expected one error, got:\n" + string.Join("\n", errors));
        return errors[0];
    }

    [Theory]
    [InlineData("print(gettimeofday())", "gettimeofday", " (did you mean 'gettimeofday_us'?)")]
    [InlineData("print(execnme())", "execnme", " (did you mean 'execname'?)")]
    [InlineData("print(user_strng(1))", "user_strng", " (did you mean 'user_string'?)")]
    [InlineData("print(frobnicate())", "frobnicate", "")]
    public void Unknown_function_suggests_a_built_in(string script, string name, string suffix)
    {
        var d = Only(script);
        Assert.Equal("KTAP2020", d.Code);
        Assert.Equal($"unknown function '{name}': it is not a built-in and the script never defines or assigns it{suffix}", d.Message);
    }

    [Fact]
    public void Hidden_built_ins_are_never_suggested()
    {
        // next and script_args are internal (HIDDEN): not offered even when close
        Assert.DoesNotContain("'next'", Only("print(nex())").Message);
    }

    [Theory]
    [InlineData("%ld %lu %lld %llu %hd %hhx %lx %lX %lo %li", 10)]
    [InlineData("%-8ld|%08llx|%.3lu", 3)]
    public void Printf_accepts_C_length_modifiers_on_integer_conversions(string format, int values)
    {
        var args = string.Concat(Enumerable.Repeat(", 1", values));
        var m = TestCompiler.Ok($"printf(\"{format}\\n\"{args})");
        Assert.Single(m.Formats);
    }

    [Theory]
    [InlineData("%lll", "%lll")]
    [InlineData("%ls", "%ls")]
    [InlineData("%hp", "%hp")]
    [InlineData("%lf", "%lf")]
    [InlineData("%lhd", "%lh")]
    public void Printf_rejects_other_modifier_uses(string conversion, string bad)
    {
        var d = Only($"printf(\"{conversion}\\n\", 1)");
        Assert.Equal("KTAP2016", d.Code);
        Assert.Equal($"printf: unsupported conversion '{bad}' (valid: %d %i %u %x %X %o %c %s %p %%; h hh l ll may come before d i u x X o)", d.Message);
    }

    [Theory]
    [InlineData("kprobe:vfs_read { print(1) }", "kprobe:vfs_read", "write trace kprobe:vfs_read { ... }")]
    [InlineData("kretprobe:vfs_read /pid == 1/ { }", "kretprobe:vfs_read", "write trace kretprobe:vfs_read { ... }")]
    [InlineData("uprobe:/bin/bash:readline { }", "uprobe:/bin/bash:readline", "write trace uprobe:/bin/bash:readline { ... }")]
    [InlineData("tracepoint:syscalls:sys_enter_openat { }", "tracepoint:syscalls:sys_enter_openat", "write trace syscalls:sys_enter_openat { ... }")]
    [InlineData("usdt:/usr/bin/python3:function__entry { }", "usdt:/usr/bin/python3:function__entry", "write trace sdt:/usr/bin/python3:function__entry { ... }")]
    [InlineData("interval:s:1 { }", "interval:s:1", "write tick-1s { ... }")]
    [InlineData("software:cpu-clock:1000 { }", "software:cpu-clock:1000", "write trace software:cpu-clock:1000 { ... }")]
    [InlineData("BEGIN { print(1) }", "BEGIN", "the statements at the top level of a script run once before the probes are armed: write them outside any block")]
    [InlineData("END\n{ print(1) }", "END", "write trace_end { ... }")]
    public void Bpftrace_probes_get_the_ktap_spelling(string script, string probe, string hint)
    {
        var d = Only(script + "\nprint(2)");
        Assert.Equal("KTAP1112", d.Code);
        Assert.Equal($"'{probe}' is bpftrace syntax; in ktap, {hint}", d.Message);
        Assert.Equal(1, d.Line);
    }

    [Fact]
    public void A_method_call_is_not_a_probe()
    {
        // `kprobe` as an ordinary ktap table with a method: no bpftrace diagnostic
        TestCompiler.Ok("kprobe = {}\nkprobe.f = function(self) { }\nkprobe:f()\nkprobe:f(1)");
    }

    [Theory]
    [InlineData("trace sched:sched_switch { @x = 1 }", "@x", "a global is a plain name (x); for an aggregation write x = ptable() and x[key] <<< value")]
    [InlineData("trace sched:sched_switch { @[1] = 1 }", "@", "a table has a name: write counts = ptable() and counts[key] <<< value")]
    [InlineData("trace probe:vfs_read%return { print($retval) }", "$retval", "the return value is a fetch-arg of a return probe: trace probe:FUNC%return ret=$retval { print(arg2) }")]
    [InlineData("trace sched:sched_switch { print($1) }", "$1", "the script's arguments are arg[1], arg[2], ... (here arg[1])")]
    [InlineData("trace sched:sched_switch { $n = 1 }", "$n", "a local variable is declared var n and has no '$'")]
    public void Bpftrace_variables_in_a_handler_get_the_ktap_spelling(string script, string token, string hint)
    {
        var d = Only(script);
        Assert.Equal("KTAP1013", d.Code);
        Assert.Equal($"'{token}' is bpftrace syntax; in ktap, {hint}", d.Message);
    }

    [Fact]
    public void A_lone_dollar_stays_a_bad_character()
    {
        Assert.Equal("KTAP1001", Only("x = $").Code);
    }

    [Fact]
    public void Retval_in_a_fetch_arg_is_still_ktap()
    {
        TestCompiler.Ok("trace probe:vfs_read%return r=$retval { print(arg2) }");
    }
}
