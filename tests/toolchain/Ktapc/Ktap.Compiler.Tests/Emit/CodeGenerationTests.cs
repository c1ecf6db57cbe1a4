using Ktap.Binding;
using Ktap.Bundle;
using Ktap.Bytecode;
using Ktap.Compiler.Tests.Compilation;

namespace Ktap.Compiler.Tests.Emit;

public class CodeGenerationTests
{
    [Fact]
    public void Pure_integer_arithmetic_is_folded()
    {
        var m = TestCompiler.Ok("x = 2 * 3 + 1 - -(4 / 2) ^ 2 % 5");
        Assert.Equal(new[] { "LOADK 0 0", "SETGLOBAL 0 0", "RETURN 0 1 0" }, TestCompiler.Asm(m, m.MainFunction));
        Assert.Equal(Constant.Number(2 * 3 + 1 - -(4 / 2) * 2 % 5 + 0 * 0 + (-(16 % 5)) + 16 % 5 + (-(4)) + 4), m.Constants[0]);
    }

    [Fact]
    public void Folding_wraps_like_the_vm()
    {
        var m = TestCompiler.Ok("x = -9223372036854775807 - 2");
        Assert.Equal(Constant.Number(long.MaxValue), m.Constants[0]);
    }

    [Theory]
    [InlineData("x = 1 / 0", "DIV")]
    [InlineData("x = 1 % 0", "MOD")]
    [InlineData("x = 2 ^ -1", "POW")]
    [InlineData("x = (-9223372036854775807 - 1) / -1", "DIV")]
    public void Runtime_errors_are_not_folded_away(string script, string opcode)
    {
        var ops = TestCompiler.MainAsm(script).Select(l => l.Split(' ')[0]);
        Assert.Contains(opcode, ops);
    }

    [Fact]
    public void Compound_add_on_a_table_slot_is_INCRTABLE_and_on_a_global_ADDGLOBAL()
    {
        var m = TestCompiler.Ok("function f(t, k, v) { t[k] += v\nt.n += 1 }\ng += 5");
        var f = TestCompiler.Asm(m, 1);
        Assert.Equal("INCRTABLE 0 1 2", f[0]);
        Assert.StartsWith("INCRTABLE 0 ", f[1]);
        var main = TestCompiler.Asm(m, m.MainFunction);
        Assert.Contains(main, l => l.StartsWith("ADDGLOBAL", StringComparison.Ordinal));
        Assert.DoesNotContain(main, l => l.StartsWith("GETGLOBAL", StringComparison.Ordinal));
    }

    [Fact]
    public void Aggregation_and_ptable()
    {
        var m = TestCompiler.Ok("s = ptable()\nfunction f(k, v) { s[k] <<< v }");
        Assert.Equal(new[] { "NEWPTABLE 0 0 0", "SETGLOBAL 0 0", "LOADFN 0 1", "SETGLOBAL 0 1", "RETURN 0 1 0" }, TestCompiler.Asm(m, 0));
        Assert.Equal(new[] { "GETGLOBAL 2 0", "AGGREGATE 2 0 1", "RETURN 0 1 0" }, TestCompiler.Asm(m, 1));
    }

    [Fact]
    public void Print_and_printf_with_a_constant_format_have_their_own_instructions()
    {
        var m = TestCompiler.Ok("print(1, \"a\")\n\nprintf(\"%d %s\\n\", 2, \"b\")");
        var asm = TestCompiler.Asm(m, 0);
        Assert.Equal("PRINT 0 2 0", asm[2]);
        Assert.Equal("PRINTF 0 2 0", asm[5]);
        var format = Assert.Single(m.Formats);
        Assert.Equal((FormatKind.Printf, 2, 3), (format.Kind, format.ArgCount, format.Line));
        Assert.Equal("%d %s\n"u8.ToArray(), format.Format);
    }

    [Fact]
    public void Printf_with_a_computed_format_calls_the_builtin()
    {
        var asm = TestCompiler.MainAsm("fmt = \"%d\\n\"\nprintf(fmt, 1)");
        Assert.Contains($"LOADBUILTIN 0 {Builtins.Printf.Id}", asm);
        Assert.Contains("CALL 0 3 1", asm);
    }

    [Fact]
    public void Numeric_for_uses_FORPREP_and_FORLOOP_with_patched_offsets()
    {
        Assert.Equal(new[]
        {
            "LOADK 0 0", "LOADK 1 1", "LOADK 2 0", "FORPREP 0 2", "MOVE 4 3 0", "PRINT 4 1 0", "FORLOOP 0 -3", "RETURN 0 1 0",
        }, TestCompiler.MainAsm("for (i = 1, 3) { print(i) }"));
    }

    [Fact]
    public void Generic_for_over_pairs_is_next_t_nil_with_TFORCALL_and_TFORLOOP()
    {
        Assert.Equal(new[]
        {
            "NEWTABLE 0 0 0", "SETGLOBAL 0 0",
            $"LOADBUILTIN 0 {Builtins.Next.Id}", "GETGLOBAL 1 0", "LOADNIL 2 1 0", "JMP 0 2",
            "MOVE 5 3 0", "PRINT 5 1 0",
            "TFORCALL 0 0 2", "TFORLOOP 2 -4", "RETURN 0 1 0",
        }, TestCompiler.MainAsm("t = {}\nfor (k, v in pairs(t)) { print(k) }"));
    }

    [Fact]
    public void Sort_pairs_is_a_three_result_call()
    {
        var asm = TestCompiler.MainAsm("t = {}\nfor (k, v in sort_pairs(t)) { print(k, v) }");
        Assert.Contains($"LOADBUILTIN 0 {Builtins.SortPairs.Id}", asm);
        Assert.Contains("CALL 0 2 4", asm);
    }

    [Fact]
    public void And_or_short_circuit_through_TESTSET()
    {
        var m = TestCompiler.Ok("function f(a, b) { return a and b }\nfunction g(a, b) { return a or b }");
        Assert.Equal(new[] { "TESTSET 2 0 0", "JMP 0 1", "MOVE 2 1 0", "RETURN 2 2 0", "RETURN 0 1 0" }, TestCompiler.Asm(m, 1));
        Assert.Equal(new[] { "TESTSET 2 0 1", "JMP 0 1", "MOVE 2 1 0", "RETURN 2 2 0", "RETURN 0 1 0" }, TestCompiler.Asm(m, 2));
    }

    [Fact]
    public void Conditions_jump_on_comparisons_without_materialising_booleans()
    {
        var m = TestCompiler.Ok("function f(a, b) { if (a > b) { return 1 } return 2 }");
        Assert.Equal(new[] { "LT 0 1 0", "JMP 0 2", "LOADK 2 0", "RETURN 2 2 0", "LOADK 2 1", "RETURN 2 2 0", "RETURN 0 1 0" }, TestCompiler.Asm(m, 1));
    }

    [Fact]
    public void Comparison_as_a_value_loads_a_boolean()
    {
        var m = TestCompiler.Ok("function f(a, b) { return a == b }");
        Assert.Equal(new[] { "EQ 1 0 1", "JMP 0 1", "LOADBOOL 2 0 1", "LOADBOOL 2 1 0", "RETURN 2 2 0", "RETURN 0 1 0" }, TestCompiler.Asm(m, 1));
    }

    [Fact]
    public void While_break_and_repeat_until()
    {
        var m = TestCompiler.Ok("function f(n) { while (n > 0) { n = n - 1\nif (n == 5) { break } }\nrepeat { n = n + 1 } until n >= 3 }");
        Assert.Equal(new[]
        {
            "LT 0 256 0", "JMP 0 5", "SUB 0 0 257", "EQ 0 0 258", "JMP 0 1", "JMP 0 1", "JMP 0 -7",
            "ADD 0 0 257", "LE 0 259 0", "JMP 0 -3", "RETURN 0 1 0",
        }, TestCompiler.Asm(m, 1));
    }

    [Fact]
    public void Event_data_and_script_args()
    {
        var m = TestCompiler.Ok("trace probe:f x=%di { print(arg1, arg9, argevent, argname, args.x) }\nprint(arg[1])");
        var handler = TestCompiler.Asm(m, 1);
        Assert.Equal(new[] { "EVARG 0 1 0", "EVARG 1 9 0", "EVINFO 2 0 0", "EVINFO 3 1 0" }, handler.Take(4));
        Assert.StartsWith("EVFIELD 4 ", handler[4]);
        Assert.Equal("x", m.Strings.GetText(Instruction.Bx(m.Functions[1].Code[4])));
        var main = TestCompiler.Asm(m, 0);
        Assert.Equal(new[] { $"LOADBUILTIN 1 {Builtins.ScriptArgs.Id}", "CALL 1 1 2", "GETTABLE 0 1 256", "PRINT 0 1 0" }, main.Take(4));
    }

    [Fact]
    public void Library_members_are_builtins_and_methods_use_SELF()
    {
        var m = TestCompiler.Ok("ansi.clear_screen()\nobj = {}\nobj:go(1)");
        var asm = TestCompiler.Asm(m, 0);
        Assert.Equal($"LOADBUILTIN 0 {Builtins.Get("ansi.clear_screen").Id}", asm[0]);
        Assert.Equal(new[] { "GETGLOBAL 1 0", "SELF 0 1 256" }, asm.Skip(4).Take(2));
        Assert.Contains("CALL 0 3 1", asm);
    }

    [Fact]
    public void Constants_past_the_RK_range_go_through_LOADK()
    {
        var script = string.Concat(Enumerable.Range(0, 300).Select(i => $"a = {1000 + i}\n")) + "b = a + 1299";
        var asm = TestCompiler.MainAsm(script);
        int add = asm.FindIndex(l => l.StartsWith("ADD", StringComparison.Ordinal));
        Assert.Equal(new[] { "GETGLOBAL 1 0", "LOADK 2 299", "ADD 0 1 2" }, asm.Skip(add - 2).Take(3));
    }

    [Fact]
    public void Too_many_registers_is_an_error_not_a_crash()
    {
        var locals = string.Join(", ", Enumerable.Range(0, 300).Select(i => "v" + i));
        var r = TestCompiler.Model($"function f() {{ local {locals} = 1\nreturn v299 }}");
        Assert.False(r.Success);
        Assert.Contains(r.Diagnostics, d => d.Code == "KTAP4001");
    }

    [Fact]
    public void Every_instruction_has_its_source_line()
    {
        var m = TestCompiler.Ok("x = 1\n\ny = 2\nfunction f() {\n  return 3\n}");
        Assert.Equal(new[] { 1, 1, 3, 3, 4, 4, 6 }, m.Functions[0].Lines);
        Assert.Equal(new[] { 5, 5, 6 }, m.Functions[1].Lines);
        Assert.Equal((4, 6), (m.Functions[1].FirstLine, m.Functions[1].LastLine));
        Assert.All(m.Functions, f => Assert.Equal(f.Code.Count, f.Lines.Count));
    }

    [Fact]
    public void Functions_have_flags_names_and_frames()
    {
        var m = TestCompiler.Ok("function add(a, b, ...) { return a + b }\ntrace sched:a { }\ntick-1s { }\ntrace_end { }");
        Assert.Equal(0, m.MainFunction);
        Assert.Equal(FunctionFlags.Main, m.Functions[0].Flags);
        Assert.Equal(FunctionFlags.None, m.Functions[1].Flags);
        Assert.Equal("add", m.Strings.GetText(m.Functions[1].Name!.Value));
        Assert.Equal((2, true), (m.Functions[1].ParamCount, m.Functions[1].IsVararg));
        Assert.All(m.Functions.Skip(2), f => Assert.Equal(FunctionFlags.Handler, f.Flags));
        Assert.Equal(new[] { EventKind.Tracepoint, EventKind.Tick, EventKind.TraceEnd }, m.Events.Select(e => e.Kind));
        Assert.Equal(new[] { 2, 3, 4 }, m.Events.Select(e => e.Handler));
        Assert.All(m.Functions, f => Assert.InRange(f.FrameSize, Math.Max(1, f.ParamCount), Instruction.MaxRegisters));
        Assert.All(m.Functions, f => Assert.Equal(Opcode.RETURN, Instruction.Op(f.Code[^1])));
    }

    [Fact]
    public void Local_assignment_of_a_constructor_goes_through_a_temporary()
    {
        var m = TestCompiler.Ok("function f() { local x = 1\nx = {a = x}\nreturn x }");
        var asm = TestCompiler.Asm(m, 1);
        Assert.Equal(new[] { "LOADK 0 0", "NEWTABLE 1 0 0", "SETTABLE 1 257 0", "MOVE 0 1 0" }, asm.Take(4));
    }

    [Fact]
    public void Multiple_assignment_evaluates_all_values_before_storing()
    {
        var m = TestCompiler.Ok("function f(a, b) { a, b = b, a\nreturn a }");
        Assert.Equal(new[] { "MOVE 2 1 0", "MOVE 3 0 0", "MOVE 0 2 0", "MOVE 1 3 0" }, TestCompiler.Asm(m, 1).Take(4));
    }

    [Fact]
    public void Calls_keep_all_results_when_last_in_a_list()
    {
        var m = TestCompiler.Ok("function f() { return 1, 2 }\nfunction g() { return f() }\nfunction h() { local a, b = f()\nreturn a, b }");
        // return f(): a tail call hands every result on (then the function's closing RETURN)
        Assert.Equal(new[] { "GETGLOBAL 0 0", "TAILCALL 0 1 0", "RETURN 0 1 0" }, TestCompiler.Asm(m, 2).Take(3));
        Assert.Equal(new[] { "GETGLOBAL 0 0", "CALL 0 1 3" }, TestCompiler.Asm(m, 3).Take(2));
    }
}
