using Ktap.Bundle;
using Ktap.Bytecode;
using Ktap.Compilation;
using Ktap.Diagnostics;

namespace Ktap.Compiler.Tests.Compilation;

/// <summary>Helpers shared by the front-end and code-generation tests.</summary>
public static class TestCompiler
{
    public static ModelResult Model(string source, string target = "x86_64") =>
        KtapCompiler.CompileToModel(new CompileOptions(target, "t.kp", source));

    public static BundleModel Ok(string source, string target = "x86_64")
    {
        var r = Model(source, target);
        Assert.True(r.Success, "expected success, got:\n" + string.Join("\n", r.Diagnostics));
        return r.Model!;
    }

    public static IReadOnlyList<Diagnostic> Errors(string source, string target = "x86_64") =>
        Model(source, target).Diagnostics.Where(d => d.IsError).ToList();

    public static IReadOnlyList<Diagnostic> Warnings(string source, string target = "x86_64") =>
        Model(source, target).Diagnostics.Where(d => !d.IsError).ToList();

    /// <summary>One function's code as "OP a b c" / "OP a bx" / "OP a sbx" lines, by the opcode's format.</summary>
    public static List<string> Asm(BundleModel model, int function)
    {
        var lines = new List<string>();
        foreach (var word in model.Functions[function].Code)
        {
            var info = OpcodeTable.All[(int)Instruction.Op(word)];
            var f = info.Format.ToString();
            string text = info.Format == OperandFormat.AsBx
                ? $"{info.Name} {Instruction.A(word)} {Instruction.SBx(word)}"
                : f.StartsWith("ABx", StringComparison.Ordinal)
                    ? $"{info.Name} {Instruction.A(word)} {Instruction.Bx(word)}"
                    : $"{info.Name} {Instruction.A(word)} {Instruction.B(word)} {Instruction.C(word)}";
            lines.Add(text);
        }
        return lines;
    }

    public static List<string> MainAsm(string source, string target = "x86_64")
    {
        var m = Ok(source, target);
        return Asm(m, m.MainFunction);
    }

    public static List<string> Opcodes(BundleModel model, int function) =>
        Asm(model, function).Select(l => l.Split(' ')[0]).ToList();
}
