using Ktap.Compiler.Tests.Compilation;
using Ktap.Compiler.Tests.Text;

namespace Ktap.Compiler.Tests.Binding;

public class BinderTests
{
    private static void AssertDiagnostics(string annotated, string target, params string[] codes)
    {
        var a = AnnotatedText.Parse(annotated);
        a.AssertDiagnostics(TestCompiler.Model(a.Text, target).Diagnostics, codes);
    }

    [Theory]
    [InlineData("ansi.⟦bogus⟧()", "KTAP2001")]
    [InlineData("timer.⟦every⟧(1, 2)", "KTAP2001")]
    [InlineData("⟦pid(1)⟧", "KTAP2002")]
    [InlineData("⟦histogram()⟧", "KTAP2002")]
    [InlineData("⟦lhist({}, 1, 2, 3, 4)⟧", "KTAP2002")]
    [InlineData("⟦lhist()⟧", "KTAP2002")]
    [InlineData("⟦ptable(1, 2, 3, 4)⟧", "KTAP2002")]
    [InlineData("⟦break⟧", "KTAP2003")]
    [InlineData("while (1) { function f() { ⟦break⟧ } }", "KTAP2003")]
    [InlineData("goto ⟦nowhere⟧", "KTAP2004")]
    [InlineData("if (1) { ::inner:: }\ngoto ⟦inner⟧", "KTAP2004")]
    [InlineData("::a::\n⟦::a::⟧", "KTAP2005")]
    [InlineData("x = 1\nx ⟦<<<⟧ 1", "KTAP2006")]
    [InlineData("⟦({})⟧[1] <<< 1", "KTAP2007")]
    [InlineData("⟦(\"s\")⟧[1] <<< 1", "KTAP2007")]
    [InlineData("var s = {}\n⟦s⟧[1] <<< 1", "KTAP2007")]
    [InlineData("function f() { var t = 3\n⟦t⟧[1] <<< 1 }", "KTAP2007")]
    [InlineData("print(⟦arg1⟧)", "KTAP2008")]
    [InlineData("function f() { return ⟦argname⟧ }", "KTAP2008")]
    [InlineData("tick-1s { print(⟦argevent⟧) }", "KTAP2008")]
    [InlineData("trace_end { print(⟦args.x⟧) }", "KTAP2008")]
    [InlineData("trace sched:a { ⟦trace_end⟧ { } }", "KTAP2010")]
    [InlineData("if (1) { ⟦tick⟧-1s { } }", "KTAP2010")]
    [InlineData("function f() { return ⟦...⟧ }", "KTAP2011")]
    [InlineData("printf(⟦\"%d %d\\n\"⟧, 1)", "KTAP2015")]
    [InlineData("printf(⟦\"%f\\n\"⟧, 1)", "KTAP2016")]
    [InlineData("trace probe:vfs_read fd=%di { print(args.⟦nope⟧) }", "KTAP2017")]
    [InlineData("x = ⟦ansi⟧", "KTAP2018")]
    [InlineData("t = {}\n⟦next⟧(t, nil)", "KTAP2019")]
    [InlineData("print(⟦gettimeofday_ms⟧())", "KTAP2020")]
    [InlineData("x = ⟦frobnicate⟧(1) + helper()\nfunction helper() { return 1 }", "KTAP2020")]
    public void Semantic_errors(string annotated, string code) => AssertDiagnostics(annotated, "x86_64", code);

    [Theory]
    [InlineData("function f() { var ⟦unused⟧ = 1 }", "KTAP2012")]
    [InlineData("trace sched:a { local ⟦x⟧, _y = 1, 2 }", "KTAP2012")]
    [InlineData("print(⟦nothing_here⟧)", "KTAP2013")]
    [InlineData("print(⟦execname⟧)", "KTAP2014")]
    public void Semantic_warnings(string annotated, string code) => AssertDiagnostics(annotated, "x86_64", code);

    [Theory]
    [InlineData("trace ⟦foo⟧ { }", "x86_64", "KTAP3001")]
    [InlineData("trace sched:⟦sched-switch⟧ { }", "x86_64", "KTAP3002")]
    [InlineData("trace sdt:/bin/app:⟦pro-v⟧:mark { }", "x86_64", "KTAP3002")]
    [InlineData("trace sdt:/bin/app:prov:⟦mar-k⟧ { }", "x86_64", "KTAP3002")]
    [InlineData("trace sdt:/bin/app:⟦mar-k⟧ { }", "x86_64", "KTAP3002")]
    [InlineData("trace ⟦sdt:/bin/app⟧ { }", "x86_64", "KTAP3001")]
    [InlineData("trace probe:vfs_read ⟦fd~%di⟧ { }", "x86_64", "KTAP3003")]
    [InlineData("trace probe:vfs_read fd=⟦%dx9⟧ { }", "x86_64", "KTAP3004")]
    [InlineData("trace probe:vfs_read fd=⟦%di⟧ { }", "arm-v7", "KTAP3004")]
    [InlineData("trace probe:vfs_read fd=+8(⟦%r0⟧) { }", "x86", "KTAP3004")]
    [InlineData("trace probe:vfs_read r=⟦$retval⟧ { }", "x86_64", "KTAP3005")]
    [InlineData("trace probe:f a=⟦$arg4⟧ { }", "x86", "KTAP3006")]
    [InlineData("trace probe:f a=⟦$arg5⟧ { }", "arm-v7", "KTAP3006")]
    [InlineData("trace probe:f a=%di:⟦float⟧ { }", "x86_64", "KTAP3007")]
    [InlineData("tick-⟦5min⟧ { }", "x86_64", "KTAP3008")]
    [InlineData("tick-⟦0s⟧ { }", "x86_64", "KTAP3008")]
    [InlineData("profile-⟦⟧ { }", "x86_64", "KTAP3008")]
    [InlineData("profile-⟦99999999999999999999s⟧ { }", "x86_64", "KTAP3009")]
    [InlineData("tick-⟦10000000000s⟧ { }", "x86_64", "KTAP3009")]
    [InlineData("trace ftrace:function /⟦ip⟧/ { }", "x86_64", "KTAP3010")]
    [InlineData("trace sched:a /a == 1 && ⟦)⟧/ { }", "x86_64", "KTAP3010")]
    [InlineData("trace sched:a /a ⟦=⟧ 1/ { }", "x86_64", "KTAP3010")]
    [InlineData("trace sched:a /(a == 1 ⟦⟧/ { }", "x86_64", "KTAP3010")]
    [InlineData("trace sched:sched_switch ⟦a=%di⟧ { }", "x86_64", "KTAP3011")]
    [InlineData("trace probe:vfs_read⟦+zz⟧ { }", "x86_64", "KTAP3012")]
    [InlineData("trace probe:f a=%di ⟦a=%si⟧ { }", "x86_64", "KTAP3013")]
    [InlineData("trace probe:f a=⟦$arg0⟧ { }", "x86_64", "KTAP3014")]
    [InlineData("trace sched:a,⟦,⟧sched:b { }", "x86_64", "KTAP3015")]
    [InlineData("trace probe:/bin/ls:⟦ma-*⟧ { }", "x86_64", "KTAP3002")] // a uprobe glob is checked as a glob
    [InlineData("trace probe:ksys_lseek off=%si /⟦offf⟧ == 4242/ { }", "x86_64", "KTAP3026")]
    [InlineData("trace ftrace:function /ip == vfs_* && ⟦ipp⟧ == 5/ { }", "x86_64", "KTAP3026")]
    [InlineData("trace kretprobe:f rv=$retval /rv != 0 || ⟦r⟧ > 1/ { }", "arm-v7", "KTAP3026")]
    [InlineData("trace probe:/bin/ls:main a=%di /⟦arg1⟧ == 1/ { }", "x86_64", "KTAP3026")]
    public void Event_definitions_are_checked_against_the_target(string annotated, string target, string code) =>
        AssertDiagnostics(annotated, target, code);

    [Theory]
    [InlineData("trace probe:ksys_lseek off=%si whence=%dx /off == 4242 && whence < 3 && comm == \"a\" && COMM ~ \"a*\" && cpu >= 0 && CPU < 9 && common_cpu >= 0 && common_pid > 0 && ip != 0/ { }")]
    [InlineData("trace ftrace:function /ip == vfs_* && parent_ip != 0/ { }")]
    [InlineData("trace kretprobe:f rv=$retval /rv != 0/ { }")]
    [InlineData("trace sched:sched_switch /prev_pid == 1/ { }")] // tracepoint fields: checked at link time (KTAP3019)
    [InlineData("trace probe:f a=%di, sched:x /zz == 1/ { }")]     // a tracepoint in the statement: link time too
    public void Probe_filters_naming_their_own_fields_compile(string script)
    {
        var r = TestCompiler.Model(script);
        Assert.True(r.Success, string.Join("\n", r.Diagnostics));
    }

    [Fact]
    public void A_probe_filter_field_error_names_the_fields_and_the_closest()
    {
        var r = TestCompiler.Model("trace probe:ksys_lseek off=%si whence=%dx /offf == 4242/ { }");
        var d = Assert.Single(r.Diagnostics);
        Assert.Equal("filter: probe:ksys_lseek has no field 'offf' (its fields: off, whence, ip) (did you mean 'off'?); the filter would match nothing", d.Message);
    }

    [Fact]
    public void Errors_in_several_handlers_are_all_reported()
    {
        AssertDiagnostics("""
            trace probe:a x=⟦%eax⟧ { }
            trace ⟦nope⟧ { print(argevent) }
            tick-⟦3parsecs⟧ { ⟦break⟧ }
            print(⟦arg2⟧)
            """, "x86_64", "KTAP3004", "KTAP3001", "KTAP3008", "KTAP2003", "KTAP2008");
    }

    [Fact]
    public void A_script_global_shadows_a_builtin_of_the_same_name()
    {
        var r = TestCompiler.Model("var max = 0\ntrace_end { if (3 > max) { max = 3 } }\nmin = 1\nprint(min)");
        Assert.True(r.Success, string.Join("\n", r.Diagnostics));
        Assert.Empty(r.Diagnostics);
    }

    [Fact]
    public void Top_level_vars_are_visible_in_handlers_and_functions_even_when_declared_later()
    {
        var r = TestCompiler.Model("function show() { print(empty) }\nvar empty = -1\ntrace sched:a { print(empty) }");
        Assert.True(r.Success, string.Join("\n", r.Diagnostics));
        Assert.Equal(new[] { "show", "empty" }, r.Model!.Globals);
    }

    [Fact]
    public void Nested_functions_may_use_their_own_locals_and_globals()
    {
        var r = TestCompiler.Model("trace_end { function cmp(a, b) { return a < b }\nfor (k, v in sort_pairs({}, cmp)) { print(k, v) } }");
        Assert.True(r.Success, string.Join("\n", r.Diagnostics));
    }

    [Fact]
    public void Ptable_assigned_anywhere_makes_aggregation_legal()
    {
        Assert.Empty(TestCompiler.Errors("s = {}\ntrace_end { s[1] <<< 1 }\ns = ptable()"));
        Assert.Empty(TestCompiler.Errors("function mk() { return ptable() }\ns = mk()\ns[1] <<< 1"));
    }
}
