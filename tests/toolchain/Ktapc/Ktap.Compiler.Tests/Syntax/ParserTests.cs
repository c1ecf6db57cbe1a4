using Ktap.Compiler.Tests.Text;
using Ktap.Diagnostics;
using Ktap.Syntax;
using Ktap.Text;

namespace Ktap.Compiler.Tests.Syntax;

public class ParserTests
{
    private static (ScriptSyntax Script, IReadOnlyList<Diagnostic> Diagnostics) Parse(string text)
    {
        var source = new SourceText("t.kp", text);
        var bag = new DiagnosticBag(source);
        var script = Parser.Parse(source, bag);
        return (script, bag.ToSortedList());
    }

    private static void AssertErrors(string annotated, params string[] codes)
    {
        var a = AnnotatedText.Parse(annotated);
        a.AssertDiagnostics(Parse(a.Text).Diagnostics, codes);
    }

    [Theory]
    [InlineData("if (x ⟦{⟧ }", "KTAP1101")]
    [InlineData("x =⟦⟧", "KTAP1101")]
    [InlineData("while (x) ⟦{⟧ print(1) ", "KTAP1106")]
    [InlineData("print(1 ⟦2⟧ 3)\nx = 1", "KTAP1101")]
    [InlineData("⟦x⟧ + 1", "KTAP1103")]
    [InlineData("⟦f()⟧ = 1", "KTAP1104")]
    [InlineData("⟦1⟧", "KTAP1102")]
    [InlineData("⟦}⟧", "KTAP1105")]
    [InlineData("local ⟦end⟧ = 1", "KTAP1108")]
    [InlineData("⟦do⟧", "KTAP1109")]
    [InlineData("⟦trace⟧ { }", "KTAP1110")]
    [InlineData("⟦tick⟧ { }", "KTAP1111")]
    [InlineData("trace syscalls:sys_enter_open ⟦/⟧common_pid == 1 { }", "KTAP1012")]
    [InlineData("for (i = 1 ⟦)⟧ { }", "KTAP1101")]
    [InlineData("for (k, v ⟦pairs⟧(t)) { }", "KTAP1101")]
    [InlineData("x = {1, 2 ⟦3⟧}", "KTAP1101")]
    public void Syntax_errors_are_reported_at_their_span(string annotated, string code) => AssertErrors(annotated, code);

    [Fact]
    public void One_run_reports_every_syntax_error()
    {
        AssertErrors("""
            if (x ⟦{⟧ print(1) }
            while ⟦x⟧ { }
            y = ⟦}⟧
            print(⟦,⟧)
            z = 1
            """, "KTAP1101", "KTAP1101", "KTAP1101", "KTAP1101");
    }

    [Theory]
    [InlineData(10_000, "(", ")")]
    [InlineData(10_000, "{", "}")]
    [InlineData(10_000, "-", "")]
    [InlineData(10_000, "not ", "")]
    [InlineData(10_000, "f(", ")")]
    [InlineData(10_000, "t[", "]")]
    public void Deep_nesting_is_one_diagnostic_not_a_stack_overflow(int depth, string open, string close)
    {
        var text = "x = " + string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, depth)) + "\ny = 2\n";
        var diags = Parse(text).Diagnostics;
        Assert.Equal("KTAP1107", Assert.Single(diags).Code);
    }

    [Fact]
    public void Deeply_nested_blocks_are_one_diagnostic()
    {
        var text = string.Concat(Enumerable.Repeat("if (1) {", 10_000)) + string.Concat(Enumerable.Repeat("}", 10_000));
        Assert.Equal("KTAP1107", Assert.Single(Parse(text).Diagnostics).Code);
    }

    [Fact]
    public void Long_operator_chains_are_bounded()
    {
        var ok = "x = " + string.Join(" + ", Enumerable.Range(0, 500)) + "\n";
        Assert.Empty(Parse(ok).Diagnostics);
        var tooLong = "x = " + string.Join(" + ", Enumerable.Range(0, 5000)) + "\n";
        Assert.Equal("KTAP1107", Assert.Single(Parse(tooLong).Diagnostics).Code);
    }

    private static TraceStmt SingleTrace(string text)
    {
        var (script, diags) = Parse(text);
        Assert.Empty(diags);
        return Assert.IsType<TraceStmt>(Assert.Single(script.Main.Body.Statements));
    }

    [Fact]
    public void Uprobe_path_slashes_belong_to_the_event_and_a_spaced_slash_opens_the_filter()
    {
        var t = SingleTrace("trace probe:/lib/libc.so.6:malloc /size > 10/ { print(1) }");
        Assert.Equal("probe:/lib/libc.so.6:malloc", t.Events.Text);
        Assert.Equal("size > 10", t.Filter!.Text);
        Assert.Single(t.Handler.Body.Statements);
    }

    [Fact]
    public void Filter_may_contain_slashes_inside_quotes_and_ends_at_the_slash_before_the_brace()
    {
        var t = SingleTrace("trace syscalls:sys_enter_open /filename == \"/etc/passwd\"/ { }");
        Assert.Equal("filename == \"/etc/passwd\"", t.Filter!.Text);
    }

    [Fact]
    public void Event_definitions_with_fetch_args_and_a_list_continued_after_a_comma()
    {
        var t = SingleTrace("trace probe:do_sys_open dfd=%di name=+0(%si):string,\n   probe:vfs_read%return r=$retval {\n}");
        Assert.Equal("probe:do_sys_open dfd=%di name=+0(%si):string,\n   probe:vfs_read%return r=$retval", t.Events.Text);
        Assert.Null(t.Filter);
    }

    [Fact]
    public void Brace_may_follow_on_the_next_line()
    {
        var t = SingleTrace("trace sched:sched_switch\n{\n print(1)\n}");
        Assert.Equal("sched:sched_switch", t.Events.Text);
    }

    [Theory]
    [InlineData("tick-200ms { }", "200ms", false)]
    [InlineData("profile-1000hz { }", "1000hz", true)]
    [InlineData("tick-1s{}", "1s", false)]
    public void Timers_keep_their_interval_text(string text, string interval, bool isProfile)
    {
        var (script, diags) = Parse(text);
        Assert.Empty(diags);
        var t = Assert.IsType<TimerStmt>(Assert.Single(script.Main.Body.Statements));
        Assert.Equal(interval, t.Interval.Text);
        Assert.Equal(isProfile, t.IsProfile);
    }

    [Fact]
    public void The_whole_grammar_parses()
    {
        var (_, diags) = Parse("""
            #!/usr/bin/env ktap
            local a, b = 1, 2; var c = {1, 2, x = 3, ["k"] = 4; 5,}
            function f(p, q, ...) { return p + q, ... }
            local function g() { return }
            var h = function (x) { return x * 2 }
            t = {}
            t.k.m = 1
            t[1] += 2
            s <<< 3
            s[1] <<< 4
            obj:method(1, "two")
            if (a == 1) { } elseif (b != 2) { } else if (c) { } else { }
            while (a < 10 && !(b >= 3) || not c) { a = a + 1; break }
            repeat { a = a - 1 } until a <= 0
            for (i = 1, 10, 2) { }
            for (k, v in pairs(t)) { }
            for (k in next, t, nil) { }
            goto skip
            ::skip::
            x = -a ^ 2 .. "s" .. len(t) % 3 / 1 * 2
            trace syscalls:sys_enter_* /common_pid != 0/ { print(arg1, arg9, argevent, argname, args.id) }
            trace_end { }
            tick-1s { }
            profile-10us { }
            print(`sys_open`, nil, true, false, 0x1f)
            """);
        Assert.Empty(diags);
    }
}
