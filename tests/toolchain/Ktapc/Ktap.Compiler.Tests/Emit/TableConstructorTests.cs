using Ktap.Compiler.Tests.Compilation;

namespace Ktap.Compiler.Tests.Emit;

/// <summary>{...} and a call as the last field keep all values: SETLIST after an open producer.</summary>
public class TableConstructorTests
{
    [Fact]
    public void Vararg_as_the_only_field_is_VARARG_B0_then_SETLIST_B0()
    {
        var m = TestCompiler.Ok("function all(...) { return {...} }");
        Assert.Equal(new[] { "NEWTABLE 0 0 0", "VARARG 1 0 0", "SETLIST 0 0 0", "RETURN 0 2 0" }, TestCompiler.Asm(m, 1).Take(4));
    }

    [Fact]
    public void A_call_after_fixed_fields_starts_at_their_count()
    {
        var m = TestCompiler.Ok("function f(g) { return {7, 8, g()} }");
        Assert.Equal(new[] { "NEWTABLE 1 0 0", "SETTABLE 1 256 257", "SETTABLE 1 258 259", "MOVE 2 0 0", "CALL 2 1 0", "SETLIST 1 0 2", "RETURN 1 2 0" },
            TestCompiler.Asm(m, 1).Take(7));
    }

    [Fact]
    public void A_named_or_keyed_last_field_keeps_one_value()
    {
        var m = TestCompiler.Ok("function f(g) { return {x = g(), [1] = g()} }");
        Assert.DoesNotContain(TestCompiler.Asm(m, 1), l => l.StartsWith("SETLIST", StringComparison.Ordinal));
        Assert.Empty(TestCompiler.Warnings("function f(g) { return {x = g(), [1] = g()} }"));
    }

    [Fact]
    public void A_call_not_last_keeps_one_value_and_a_parenthesised_call_too()
    {
        var m = TestCompiler.Ok("function f(g) { return {g(), 1, (g())} }");
        Assert.DoesNotContain(TestCompiler.Asm(m, 1), l => l.StartsWith("SETLIST", StringComparison.Ordinal));
    }

    [Fact]
    public void Into_a_register_below_the_top_the_table_is_built_above_and_moved()
    {
        // t is a local in R(0), x in R(1): the constructor for t is built at R(2), values from R(3)
        var m = TestCompiler.Ok("function f(g) { var t = 1\nvar x = 2\nt = {g()}\nreturn t, x }");
        var asm = TestCompiler.Asm(m, 1);
        int i = asm.IndexOf("SETLIST 3 0 0");
        Assert.True(i > 0, string.Join("\n", asm));
        Assert.Equal("CALL 4 1 0", asm[i - 1]);
        Assert.Equal("MOVE 1 3 0", asm[i + 1]);
    }

    [Fact]
    public void Built_ins_with_an_instruction_give_a_fixed_count()
    {
        // pairs(t) is three values in registers, so SETLIST takes B=3, not an open range
        var m = TestCompiler.Ok("function f(t) { return {pairs(t)} }");
        Assert.Contains("SETLIST 1 3 0", TestCompiler.Asm(m, 1));
    }

    [Fact]
    public void Past_512_positional_fields_the_last_call_keeps_one_value_with_KTAP2021()
    {
        string Script(int n) => "function f(g) { return {" + string.Concat(Enumerable.Range(1, n).Select(i => i + ", ")) + "g()} }";
        Assert.Empty(TestCompiler.Warnings(Script(511)));
        Assert.Contains("SETLIST 1 0 511", TestCompiler.Asm(TestCompiler.Ok(Script(511)), 1));
        var w = Assert.Single(TestCompiler.Warnings(Script(512)));
        Assert.Equal("KTAP2021", w.Code);
        Assert.Equal("a table constructor with more than 512 positional fields keeps only the first value of this call or '...' in its last field", w.Message);
    }
}
