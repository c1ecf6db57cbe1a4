using Ktap.Binding;
using Ktap.Bundle;
using Ktap.Compiler.Tests.Compilation;
using Ktap.Diagnostics;
using Ktap.Profiles;
using Ktap.Syntax;
using Ktap.Text;

namespace Ktap.Compiler.Tests.Emit;

/// <summary>
/// Closures (docs/vm.md "Closures"): a captured local is boxed into a cell where it is
/// declared, its own function reads and writes it through the cell, closures hold the cells
/// (CLOSURE over the registers after it) and reach them with GETUPVAL/SETUPVAL/UPCELL.
/// </summary>
public class ClosureTests
{
    private const string Counter = "function make() { var n = 0\nreturn function() { n += 1; return n } }\nvar c = make()\nprint(c())";

    private static BoundScript Bind(string source)
    {
        var text = new SourceText("t.kp", source);
        var d = new DiagnosticBag(text);
        var tree = Parser.Parse(text, d);
        var bound = Binder.Bind(tree, TargetProfiles.X86_64, d);
        Assert.False(d.HasErrors, string.Join("\n", d));
        return bound;
    }

    [Fact]
    public void The_binder_records_captured_locals_and_each_functions_upvalues()
    {
        var s = Bind(Counter);
        var make = s.Functions[1];
        var inner = s.Functions[2];
        Assert.Empty(make.Upvalues);
        var n = Assert.Single(inner.Upvalues);
        Assert.Equal("n", n.Name);
        Assert.Same(make, n.Owner);
        Assert.True(n.IsCaptured);
    }

    [Fact]
    public void A_counter_boxes_its_local_and_the_closure_updates_its_upvalue()
    {
        var m = TestCompiler.Ok(Counter);
        Assert.Equal(0, m.Functions[1].UpvalueCount);
        Assert.Equal(1, m.Functions[2].UpvalueCount);
        var make = TestCompiler.Asm(m, 1);
        Assert.Equal(new[] { "LOADK 0 0", "BOX 0 0 0", "MOVE 3 0 0", "CLOSURE 2 2" }, make.Take(4));
        var inner = TestCompiler.Asm(m, 2);
        Assert.Equal("GETUPVAL 0 0 0", inner[0]);
        Assert.StartsWith("ADD 0 0 ", inner[1]);
        Assert.Equal("SETUPVAL 0 0 0", inner[2]);
        Assert.DoesNotContain(inner, l => l.StartsWith("LOADFN", StringComparison.Ordinal));
    }

    [Fact]
    public void Closures_of_one_variable_share_its_cell_and_the_function_keeps_using_it()
    {
        var m = TestCompiler.Ok("function f() { var x = 1\nvar g = function() { return x }\nvar s = function(v) { x = v }\nx = 2\nreturn g, s, x }");
        var asm = TestCompiler.Asm(m, 1);
        Assert.Equal("BOX 0 0 0", asm[1]);
        // both closures are made over register 0's cell
        var closures = asm.Select((l, i) => (l, i)).Where(p => p.l.StartsWith("CLOSURE", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, closures.Count);
        foreach (var (_, i) in closures) Assert.Matches(@"^MOVE \d+ 0 0$", asm[i - 1]);
        // `x = 2` and reading x go through the cell, never a plain MOVE into register 0
        Assert.Contains(asm, l => l.StartsWith("SETCELL 0 ", StringComparison.Ordinal));
        Assert.Contains(asm, l => l.StartsWith("GETCELL ", StringComparison.Ordinal) && l.EndsWith(" 0 0", StringComparison.Ordinal));
        Assert.DoesNotContain(asm, l => l.StartsWith("MOVE 0 ", StringComparison.Ordinal));
        Assert.Equal("SETUPVAL 0 0 0", TestCompiler.Asm(m, 3)[0]); // s(v): v (register 0) into upvalue 0
    }

    [Fact]
    public void A_loop_variable_and_a_body_local_get_a_fresh_cell_every_iteration()
    {
        var m = TestCompiler.Ok("function f(t) { for (i = 1, 3) { var j = i\nt[i] = function() { return i + j } } }");
        var asm = TestCompiler.Asm(m, 1);
        int loop = asm.FindIndex(l => l.StartsWith("FORLOOP", StringComparison.Ordinal));
        int body = loop + 1 + int.Parse(asm[loop].Split(' ')[2]);
        // FORLOOP jumps back to BOX of the visible variable (R(A+3)): a new cell per iteration
        var a = int.Parse(asm[loop].Split(' ')[1]);
        Assert.Equal($"BOX {a + 3} 0 0", asm[body]);
        // the body's `var j` is boxed inside the loop, so each iteration makes its own
        int boxJ = asm.FindIndex(body + 1, l => l.StartsWith("BOX", StringComparison.Ordinal));
        Assert.InRange(boxJ, body + 1, loop - 1);
        Assert.Equal(2, m.Functions[2].UpvalueCount);
    }

    [Fact]
    public void Three_levels_the_middle_function_hands_the_outer_cell_on()
    {
        var m = TestCompiler.Ok("function outer() { var a = 1\nreturn function() { var b = 2\nreturn function() { return a + b } } }");
        Assert.Equal(1, m.Functions[2].UpvalueCount); // middle: a only, which it never reads itself
        Assert.Equal(2, m.Functions[3].UpvalueCount); // inner: a, b
        var middle = TestCompiler.Asm(m, 2);
        int c = middle.FindIndex(l => l.StartsWith("CLOSURE", StringComparison.Ordinal));
        var ca = int.Parse(middle[c].Split(' ')[1]);
        Assert.Equal($"UPCELL {ca + 1} 0 0", middle[c - 2]); // a: upvalue 0 of the middle function
        Assert.Equal($"MOVE {ca + 2} 0 0", middle[c - 1]);   // b: its own cell in register 0
        var inner = TestCompiler.Asm(m, 3);
        Assert.Equal(new[] { "GETUPVAL 1 0 0", "GETUPVAL 2 1 0", "ADD 0 1 2" }, inner.Take(3)); // a + b
    }

    [Fact]
    public void A_local_function_calls_itself_through_its_own_upvalue()
    {
        var m = TestCompiler.Ok("function mk() { local function fact(n) { if (n <= 1) { return 1 } return n * fact(n - 1) }\nreturn fact }");
        var mk = TestCompiler.Asm(m, 1);
        Assert.Equal(new[] { "LOADNIL 0 1 0", "BOX 0 0 0", "MOVE 3 0 0", "CLOSURE 2 2", "MOVE 1 2 0", "SETCELL 0 1 0" }, mk.Take(6));
        Assert.Equal(1, m.Functions[2].UpvalueCount);
        Assert.Contains(TestCompiler.Asm(m, 2), l => l.StartsWith("GETUPVAL", StringComparison.Ordinal));
    }

    [Fact]
    public void A_captured_parameter_is_boxed_on_entry()
    {
        var m = TestCompiler.Ok("function f(p, q) { return function() { return q } }");
        Assert.Equal("BOX 1 0 0", TestCompiler.Asm(m, 1)[0]);
    }

    [Fact]
    public void Compound_assignment_to_a_cell_reads_adds_and_writes_back()
    {
        var m = TestCompiler.Ok("function f() { var n = 0\nvar g = function() { return n }\nn += 5\nreturn g }");
        var asm = TestCompiler.Asm(m, 1);
        int i = asm.FindIndex(l => l.StartsWith("GETCELL", StringComparison.Ordinal));
        Assert.True(i > 0, string.Join("\n", asm));
        var t = asm[i].Split(' ')[1];
        Assert.StartsWith($"ADD {t} {t} ", asm[i + 1]);
        Assert.Equal($"SETCELL 0 {t} 0", asm[i + 2]);
    }

    [Fact]
    public void Uncaptured_locals_and_closure_free_scripts_are_unchanged()
    {
        var m = TestCompiler.Ok("function f(a) { var b = a + 1\nreturn b }\nprint(f(1))");
        Assert.All(m.Functions, f => Assert.Equal(0, f.UpvalueCount));
        Assert.DoesNotContain(m.Functions.SelectMany((_, i) => TestCompiler.Opcodes(m, i)),
            op => op is "BOX" or "GETCELL" or "SETCELL" or "CLOSURE" or "GETUPVAL" or "SETUPVAL" or "UPCELL");
        Assert.Equal(BundleLayout.FormatVersion, BundleWriter.Write(m)[BundleLayout.OffVersion]);
    }

    [Fact]
    public void A_bundle_with_closures_is_format_3_and_reads_back_with_its_upvalue_counts()
    {
        var m = TestCompiler.Ok(Counter);
        var bytes = BundleWriter.Write(m);
        Assert.Equal(BundleLayout.FormatVersionUpvalues, bytes[BundleLayout.OffVersion]);
        var back = BundleReader.Read(bytes);
        Assert.Equal(m.Functions.Select(f => f.UpvalueCount), back.Functions.Select(f => f.UpvalueCount));
    }

    [Fact]
    public void Closures_and_kernel_symbol_literals_make_format_4()
    {
        var m = TestCompiler.Ok("function mk() { var a = `vfs_read`\nreturn function() { return a } }");
        var bytes = BundleWriter.Write(m);
        Assert.Equal(BundleLayout.FormatVersionUnlinkedUpvalues, bytes[BundleLayout.OffVersion]);
        Assert.Equal(1, BundleReader.Read(bytes).Functions[2].UpvalueCount);
    }

    [Fact]
    public void The_reader_refuses_upvalues_where_the_format_has_none_or_an_entry_point_has_them()
    {
        var bytes = BundleWriter.Write(TestCompiler.Ok(Counter));
        int functions = FunctionsOffset(bytes);
        var v1 = (byte[])bytes.Clone();
        v1[BundleLayout.OffVersion] = (byte)BundleLayout.FormatVersion; // byte 28 is reserved in format 1
        Assert.Equal("function 2: reserved bytes not zero", Refusal(v1));
        var main = (byte[])bytes.Clone();
        main[functions + 28] = 1; // main (function 0) with an upvalue
        Assert.Equal("FUNCTIONS item 0: the main chunk or a handler has 1 upvalues", Refusal(main));
        var upIndex = (byte[])bytes.Clone();
        upIndex[functions + 2 * BundleLayout.FunctionsItem.ItemSize + 28] = 0; // function 2 keeps GETUPVAL 0 with none
        Assert.Equal("FUNCTIONS item 2 instruction 0 (GETUPVAL): upvalue 0 out of range (0 upvalues)", Refusal(upIndex));
    }

    private static int FunctionsOffset(byte[] b)
    {
        int count = BitConverter.ToUInt16(b, BundleLayout.OffSectionCount);
        for (int i = 0; i < count; i++)
        {
            int at = BundleLayout.HeaderSize + i * BundleLayout.SectionEntrySize;
            if (BitConverter.ToUInt32(b, at) == (uint)SectionId.Functions) return (int)BitConverter.ToUInt32(b, at + 4);
        }
        throw new InvalidOperationException("no FUNCTIONS");
    }

    private static string Refusal(byte[] b)
    {
        b.AsSpan(BundleLayout.OffChecksum, 4).Clear();
        BitConverter.TryWriteBytes(b.AsSpan(BundleLayout.OffChecksum, 4), Crc32.Compute(b));
        return Assert.Throws<BundleFormatException>(() => BundleReader.Read(b)).Message;
    }

    [Fact]
    public void Closures_no_longer_give_KTAP2009()
    {
        var m = TestCompiler.Model("function outer() { var x = 1\nfunction inner() { return x }\nreturn inner() }");
        Assert.True(m.Success, string.Join("\n", m.Diagnostics));
        Assert.DoesNotContain(m.Diagnostics, d => d.Code == "KTAP2009");
    }
}
