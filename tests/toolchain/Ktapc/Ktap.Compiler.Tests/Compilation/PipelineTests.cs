using System.Text;
using Ktap.Bundle;
using Ktap.Compilation;

namespace Ktap.Compiler.Tests.Compilation;

public class PipelineTests
{
    [Fact]
    public void The_bundle_is_the_written_model()
    {
        var options = new CompileOptions("powerpc", "t.kp", "trace sched:a { print(argname) }") { ScriptArguments = new[] { "one" } };
        var bytes = KtapCompiler.Compile(options).Bundle!;
        Assert.Equal(BundleWriter.Write(KtapCompiler.CompileToModel(options).Model!), bytes);
        var read = BundleReader.Read(bytes);
        Assert.Equal(new[] { "t.kp", "one" }, read.Arguments);
        Assert.Equal("t.kp", read.SourceName);
        Assert.Equal(Ktap.Profiles.ByteOrder.Big, read.Target.ByteOrder);
    }

    [Fact]
    public void Warnings_as_errors_withholds_the_bundle()
    {
        var script = "function f() { var unused = 1 }";
        Assert.True(KtapCompiler.Compile(new CompileOptions("x86", "t.kp", script)).Success);
        var strict = KtapCompiler.Compile(new CompileOptions("x86", "t.kp", script) { WarningsAsErrors = true });
        Assert.Null(strict.Bundle);
        Assert.All(strict.Diagnostics, d => Assert.True(d.IsError));
    }

    [Fact]
    public void Target_aliases_resolve()
    {
        foreach (var alias in new[] { "i686", "amd64", "arm", "armhf", "ppc" })
            Assert.True(KtapCompiler.Compile(new CompileOptions(alias, "t.kp", "print(1)")).Success, alias);
    }

    [Fact]
    public void Diagnostics_print_in_msbuild_form_in_source_order()
    {
        var r = KtapCompiler.Compile(new CompileOptions("x86_64", "trace.kp", "print(pid(1))\nx = $\n"));
        Assert.Equal(new[]
        {
            "trace.kp(1,7): error KTAP2002: pid() takes no arguments, but 1 given",
            "trace.kp(2,5): error KTAP1001: unexpected character '$'",
        }, r.Diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void Too_many_globals_and_constants_are_limit_errors()
    {
        var globals = new StringBuilder();
        for (int i = 0; i <= 65536; i++) globals.Append("g").Append(i).Append(" = 1\n");
        Assert.Contains(KtapCompiler.CompileToModel(new CompileOptions("x86_64", "t.kp", globals.ToString())).Diagnostics, d => d.Code == "KTAP4004");

        var constants = new StringBuilder();
        for (int i = 0; i <= 65536; i++) constants.Append("g = ").Append(i).Append('\n');
        Assert.Contains(KtapCompiler.CompileToModel(new CompileOptions("x86_64", "t.kp", constants.ToString())).Diagnostics, d => d.Code == "KTAP4002");
    }

    [Fact]
    public void A_string_longer_than_the_format_allows_is_reported_at_the_literal()
    {
        var r = KtapCompiler.Compile(new CompileOptions("x86_64", "t.kp", "x = 1\ns = \"" + new string('a', 70_000) + "\""));
        Assert.Null(r.Bundle);
        var d = Assert.Single(r.Diagnostics);
        Assert.Equal(("KTAP4008", 2, 5), (d.Code, d.Line, d.Column));
    }

    [Fact]
    public void A_flood_of_errors_is_capped_and_says_so()
    {
        var r = KtapCompiler.Compile(new CompileOptions("x86_64", "t.kp", string.Concat(Enumerable.Repeat("x = $\n", 300))));
        Assert.Equal(201, r.Diagnostics.Count);
        Assert.Equal("KTAP1199", r.Diagnostics[^1].Code);
        Assert.Null(r.Bundle);
    }

    [Fact]
    public void Timer_library_members_may_be_keywords()
    {
        var m = KtapCompiler.CompileToModel(new CompileOptions("x86_64", "t.kp", "function f() { print(1) }\ntimer.tick(1000, f)\ntimer.profile(10, f)"));
        Assert.True(m.Success, string.Join("\n", m.Diagnostics));
    }
}
