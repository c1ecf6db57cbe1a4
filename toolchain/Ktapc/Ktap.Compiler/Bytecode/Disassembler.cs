using System.Globalization;
using System.Text;
using Ktap.Bundle;

namespace Ktap.Bytecode;

/// <summary>
/// Prints a bundle's functions instruction by instruction. Operands are decoded by the
/// operand format of the opcode's row in ktap_opcodes.def (OpcodeTable); constants, strings,
/// globals, functions, built-ins and formats are resolved in a trailing comment; each
/// instruction shows its source line, and the line's text when the source is given.
/// </summary>
public static class Disassembler
{
    public static string Disassemble(BundleModel model, string? source = null)
    {
        var w = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        Disassemble(model, w, source);
        return w.ToString();
    }

    public static void Disassemble(BundleModel model, TextWriter output, string? source = null)
    {
        var lines = source?.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        for (int f = 0; f < model.Functions.Count; f++)
        {
            var fn = model.Functions[f];
            output.WriteLine(FunctionHeader(model, f));
            int shownLine = -1;
            for (int pc = 0; pc < fn.Code.Count; pc++)
            {
                var line = pc < fn.Lines.Count ? fn.Lines[pc] : 0;
                if (lines is not null && line != shownLine && line >= 1 && line <= lines.Length)
                {
                    output.WriteLine($"  ; {line}: {lines[line - 1].Trim()}");
                    shownLine = line;
                }
                output.WriteLine($"  {pc,5}  [{line,4}]  {Instruction(model, fn.Code[pc], pc)}");
            }
            output.WriteLine();
        }
    }

    public static string FunctionHeader(BundleModel model, int index)
    {
        var fn = model.Functions[index];
        var name = fn.Name is int n && n < model.Strings.Count ? model.Strings.GetText(n) : "(anonymous)";
        var kinds = new List<string>();
        if (fn.Flags.HasFlag(FunctionFlags.Main)) kinds.Add("main");
        if (fn.Flags.HasFlag(FunctionFlags.Handler)) kinds.Add("handler");
        return $"function {index} {name}{(kinds.Count > 0 ? " [" + string.Join(", ", kinds) + "]" : "")}: " +
               $"{fn.ParamCount} params{(fn.IsVararg ? " + ..." : "")}, {fn.FrameSize} registers, {(fn.UpvalueCount > 0 ? $"{fn.UpvalueCount} upvalues, " : "")}lines {fn.FirstLine}-{fn.LastLine}, {fn.Code.Count} instructions";
    }

    /// <summary>One instruction: name, operands per its format, and a comment resolving indices.</summary>
    public static string Instruction(BundleModel model, uint word, int pc)
    {
        var number = (int)Bytecode.Instruction.Op(word);
        if (number >= OpcodeTable.All.Count) return $"??? (opcode {number}, word 0x{word:X8})";
        var info = OpcodeTable.All[number];
        int a = Bytecode.Instruction.A(word), b = Bytecode.Instruction.B(word), c = Bytecode.Instruction.C(word);
        int bx = Bytecode.Instruction.Bx(word), sbx = Bytecode.Instruction.SBx(word);
        var notes = new List<string>();
        string operands = info.Format switch
        {
            OperandFormat.A => R(a),
            OperandFormat.AB => $"{R(a)} {R(b)}",
            OperandFormat.ABC => $"{R(a)} {R(b)} {R(c)}",
            OperandFormat.ABRC => $"{R(a)} {R(b)} {RK(model, c, notes)}",
            OperandFormat.ARBRC => $"{R(a)} {RK(model, b, notes)} {RK(model, c, notes)}",
            OperandFormat.FRKRK => $"{a} {RK(model, b, notes)} {RK(model, c, notes)}",
            OperandFormat.ABxK => $"{R(a)} {K(model, bx, notes)}",
            OperandFormat.ABxG => $"{R(a)} g{bx}".Also(() => notes.Add(Global(model, bx))),
            OperandFormat.ABxF => $"{R(a)} f{bx}".Also(() => notes.Add(Function(model, bx))),
            OperandFormat.ABxC => $"{R(a)} f{bx}".Also(() => notes.Add(Function(model, bx))),
            OperandFormat.ABU => $"{R(a)} u{b}",
            OperandFormat.ABxS => $"{R(a)} s{bx}".Also(() => notes.Add(Str(model, bx))),
            OperandFormat.ABxN => $"{R(a)} n{bx}".Also(() => notes.Add(Builtin(bx))),
            OperandFormat.AsBx => $"{R(a)} {(sbx >= 0 ? "+" : "")}{sbx}".Also(() => notes.Add($"to {pc + 1 + sbx}")),
            OperandFormat.ABn => $"{R(a)} {b}",
            OperandFormat.ABnCP => $"{R(a)} {b} p{c}".Also(() => notes.Add(Format(model, c))),
            OperandFormat.AnBnC => $"{a} {b} {c}",
            _ => $"{a} {b} {c}",
        };
        var text = $"{info.Name,-12}{operands}";
        return notes.Count == 0 ? text : $"{text,-32} ; {string.Join("; ", notes)}";
    }

    private static string R(int x) => $"r{x}";

    private static string RK(BundleModel m, int x, List<string> notes) =>
        x >= Bytecode.Instruction.RKConstantBit ? K(m, x - Bytecode.Instruction.RKConstantBit, notes) : R(x);

    private static string K(BundleModel m, int k, List<string> notes)
    {
        notes.Add($"k{k} = {ConstantText(m, k)}");
        return $"k{k}";
    }

    public static string ConstantText(BundleModel m, int k)
    {
        if (k < 0 || k >= m.Constants.Count) return "<out of range>";
        var c = m.Constants[k];
        foreach (var reloc in m.KernelSymbols)
            if (reloc.Constant == k) return $"`{reloc.Name}` (address from kallsyms)";
        return c.Kind switch
        {
            ConstantKind.Nil => "nil",
            ConstantKind.True => "true",
            ConstantKind.False => "false",
            ConstantKind.Number => c.Value.ToString(CultureInfo.InvariantCulture),
            _ => Str(m, (int)c.Value),
        };
    }

    private static string Str(BundleModel m, int s) => s >= 0 && s < m.Strings.Count ? Quote(m.Strings[s]) : "<out of range>";

    private static string Global(BundleModel m, int g) => g < m.Globals.Count ? m.Globals[g] : "<out of range>";

    private static string Function(BundleModel m, int f)
    {
        if (f >= m.Functions.Count) return "<out of range>";
        return m.Functions[f].Name is int n && n < m.Strings.Count ? $"function {m.Strings.GetText(n)}" : $"function {f}";
    }

    private static string Builtin(int id) => id < BuiltinTable.All.Count ? BuiltinTable.All[id].Name : "<out of range>";

    private static string Format(BundleModel m, int p)
    {
        if (p >= m.Formats.Count) return "<out of range>";
        var f = m.Formats[p];
        return f.Format is null ? $"print, {f.ArgCount} values" : $"printf {Quote(f.Format)}";
    }

    /// <summary>A byte string as a script literal with escapes, so control bytes stay visible.</summary>
    public static string Quote(byte[] bytes)
    {
        var sb = new StringBuilder("\"");
        foreach (var ch in Encoding.UTF8.GetString(bytes))
        {
            sb.Append(ch switch
            {
                '\n' => "\\n", '\t' => "\\t", '\r' => "\\r", '"' => "\\\"", '\\' => "\\\\",
                < ' ' => $"\\x{(int)ch:x2}",
                _ => ch.ToString(),
            });
        }
        return sb.Append('"').ToString();
    }

    private static string Also(this string s, Action a) { a(); return s; }
}
