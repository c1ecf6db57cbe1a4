using Ktap.Compiler.Tests.Compilation;

namespace Ktap.Compiler.Tests.Emit;

/// <summary>`return f(...)` is TAILCALL: the callee replaces the caller's frame (Lua's proper tail calls).</summary>
public class TailCallTests
{
    [Fact]
    public void Return_of_one_call_is_TAILCALL_with_the_calls_operands()
    {
        var m = TestCompiler.Ok("function loop(n) { if (n == 0) { return 0 } return loop(n - 1) }");
        var asm = TestCompiler.Asm(m, 1);
        int i = asm.FindIndex(l => l.StartsWith("TAILCALL", StringComparison.Ordinal));
        Assert.True(i > 0, string.Join("\n", asm));
        Assert.Equal("TAILCALL 1 2 0", asm[i]);
        Assert.DoesNotContain(asm, l => l.StartsWith("CALL", StringComparison.Ordinal));
    }

    [Fact]
    public void An_open_argument_list_stays_open()
    {
        var m = TestCompiler.Ok("function f(h, ...) { return h(...) }\nfunction g(h) { return h(h()) }");
        var f = TestCompiler.Asm(m, 1);
        int v = f.IndexOf("VARARG 2 0 0");
        Assert.True(v > 0, string.Join("\n", f));
        Assert.Equal("TAILCALL 1 0 0", f[v + 1]);
        var g = TestCompiler.Asm(m, 2);
        int i = g.IndexOf("TAILCALL 1 0 0");
        Assert.True(i > 0, string.Join("\n", g));
        Assert.Equal("CALL 2 1 0", g[i - 1]);
    }

    [Fact]
    public void A_method_call_in_tail_position_is_a_tail_call()
    {
        var m = TestCompiler.Ok("function f(t) { return t:m(1) }");
        var asm = TestCompiler.Asm(m, 1);
        Assert.Contains(asm, l => l.StartsWith("SELF", StringComparison.Ordinal));
        Assert.Contains("TAILCALL 1 3 0", asm);
    }

    [Fact]
    public void A_parenthesised_call_is_one_value_and_no_tail_call()
    {
        var m = TestCompiler.Ok("function f(g) { return (g()) }");
        var asm = TestCompiler.Asm(m, 1);
        Assert.DoesNotContain(asm, l => l.StartsWith("TAILCALL", StringComparison.Ordinal));
        Assert.Contains("CALL 1 1 2", asm);
    }

    [Fact]
    public void Several_values_or_a_call_in_an_expression_are_no_tail_call()
    {
        foreach (var src in new[] { "function f(g) { return g(), 1 }", "function f(g) { return 1, g() }", "function f(g) { return g() + 1 }",
                                    "function f(g) { g() }", "function f(...) { return ... }" })
            Assert.DoesNotContain(TestCompiler.Asm(TestCompiler.Ok(src), 1), l => l.StartsWith("TAILCALL", StringComparison.Ordinal));
    }

    [Fact]
    public void Built_ins_with_an_instruction_of_their_own_return_their_fixed_values()
    {
        // len and pairs compile to LEN and LOADBUILTIN/LOADNIL: an ordinary RETURN of 1 and 3 values
        var m = TestCompiler.Ok("function f(t) { return len(t) }\nfunction g(t) { return pairs(t) }\nfunction h(x) { return pid() }");
        Assert.Contains("RETURN 1 2 0", TestCompiler.Asm(m, 1));
        Assert.Contains("RETURN 1 4 0", TestCompiler.Asm(m, 2));
        Assert.Contains(TestCompiler.Asm(m, 3), l => l.StartsWith("TAILCALL", StringComparison.Ordinal)); // an ordinary built-in call
    }

    [Fact]
    public void Main_chunk_and_handlers_may_tail_call()
    {
        var m = TestCompiler.Ok("function f() { return 1 }\ntrace sched:sched_switch { return f() }\nreturn f()");
        Assert.Contains(TestCompiler.Asm(m, 0), l => l.StartsWith("TAILCALL", StringComparison.Ordinal));
        Assert.Contains(TestCompiler.Asm(m, 2), l => l.StartsWith("TAILCALL", StringComparison.Ordinal));
    }
}
