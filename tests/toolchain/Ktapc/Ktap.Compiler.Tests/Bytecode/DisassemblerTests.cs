using Ktap.Bundle;
using Ktap.Bytecode;
using Ktap.Compiler.Tests.Bundle;
using Ktap.Profiles;

namespace Ktap.Compiler.Tests.Bytecode;

public class DisassemblerTests
{
    private static BundleModel Model() => BundleReader.Read(BundleWriter.Write(SampleBundles.Create(TargetProfiles.X86_64)));

    public static TheoryData<int> Opcodes() => new(OpcodeTable.All.Select(o => o.Number));

    [Theory, MemberData(nameof(Opcodes))]
    public void Every_opcode_of_the_table_disassembles_with_its_name_and_format(int number)
    {
        var info = OpcodeTable.All[number];
        // Index operands (Bx, and C of ABnCP) point at item 0 of the sample, which exists.
        var word = info.Format.ToString().StartsWith("ABx") || info.Format == OperandFormat.AsBx
            ? Instruction.ABx(info.Opcode, 1, 0)
            : Instruction.ABC(info.Opcode, 1, 2, info.Format == OperandFormat.ABnCP ? 0 : 3);
        var text = Disassembler.Instruction(Model(), word, 0);
        Assert.StartsWith(info.Name + " ", text);
        Assert.DoesNotContain("???", text);
        Assert.DoesNotContain("out of range", text);
        // Every format shows operand A first: a register, or a raw number for AnBnC.
        var firstOperand = text[12..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        // A is a number (count or flag) in AnBnC and FRKRK, a register everywhere else.
        Assert.Equal(info.Format is OperandFormat.AnBnC or OperandFormat.FRKRK ? "1" : "r1", firstOperand);
    }

    [Fact]
    public void The_table_is_dense_and_fits_six_bits()
    {
        Assert.InRange(OpcodeTable.All.Count, 1, 64);
        for (int i = 0; i < OpcodeTable.All.Count; i++) Assert.Equal(i, OpcodeTable.All[i].Number);
    }

    [Fact]
    public void Operands_are_resolved_in_comments()
    {
        var m = Model();
        Assert.Matches("^LOADK +r0 k3 +; k3 = -5$", Disassembler.Instruction(m, Instruction.ABx(Opcode.LOADK, 0, 3), 0));
        Assert.Contains("; k5 = \"hello\\n\"", Disassembler.Instruction(m, Instruction.ABx(Opcode.LOADK, 0, 5), 0));
        Assert.Contains("r1 r1 k4", Disassembler.Instruction(m, Instruction.ABC(Opcode.ADD, 1, 1, 256 + 4), 0));
        Assert.Contains("; count", Disassembler.Instruction(m, Instruction.ABx(Opcode.GETGLOBAL, 1, 0), 0));
        Assert.Contains("; \"filename\"", Disassembler.Instruction(m, Instruction.ABx(Opcode.EVFIELD, 2, 1), 0));
        Assert.Contains("; printf \"%s\\n\"", Disassembler.Instruction(m, Instruction.ABC(Opcode.PRINTF, 2, 1, 0), 0));
        Assert.Contains("; print, 2 values", Disassembler.Instruction(m, Instruction.ABC(Opcode.PRINTF, 2, 2, 1), 0));
        Assert.Contains("; function main", Disassembler.Instruction(m, Instruction.ABx(Opcode.LOADFN, 0, 0), 0));
        Assert.Contains("; " + BuiltinTable.All[6].Name, Disassembler.Instruction(m, Instruction.ABx(Opcode.LOADBUILTIN, 0, 6), 0));
        Assert.Contains("r0 -3", Disassembler.Instruction(m, Instruction.AsBx(Opcode.JMP, 0, -3), 10));
        Assert.Contains("; to 8", Disassembler.Instruction(m, Instruction.AsBx(Opcode.JMP, 0, -3), 10));
        Assert.Contains("out of range", Disassembler.Instruction(m, Instruction.ABx(Opcode.LOADK, 0, 99), 0));
        Assert.StartsWith("???", Disassembler.Instruction(m, 63, 0));
    }

    [Fact]
    public void Listing_shows_functions_lines_and_source_text()
    {
        var source = string.Join("\n", Enumerable.Range(1, 9).Select(i => $"source line {i}"));
        var text = Disassembler.Disassemble(Model(), source);
        Assert.Contains("function 0 main [main]: 0 params, 2 registers, lines 1-9, 3 instructions", text);
        Assert.Contains("function 1 (anonymous) [handler]: 1 params + ..., 4 registers, lines 3-7, 6 instructions", text);
        Assert.Contains("  ; 4: source line 4\n", text);
        Assert.Contains("      0  [   4]  GETGLOBAL", text);
        // Each source line is shown once per run of instructions from it.
        Assert.Single(text.Split('\n'), l => l == "  ; 4: source line 4");
        Assert.DoesNotContain("; 2:", Disassembler.Disassemble(Model(), source));
        Assert.DoesNotContain("source line", Disassembler.Disassemble(Model()));
    }

    [Fact]
    public void Describer_prints_header_and_section_table()
    {
        var bytes = BundleWriter.Write(SampleBundles.Create(TargetProfiles.PowerPC));
        var w = new StringWriter();
        BundleDescriber.Describe(bytes, BundleReader.Read(bytes), w);
        var text = w.ToString();
        Assert.Contains("byte_order        2 (big-endian)", text);
        Assert.Contains("arch              4 (powerpc)", text);
        Assert.Contains("int_check         0x0102030405060708", text);
        Assert.Contains($"total_size        {bytes.Length}", text);
        Assert.Contains("compiler_version  0.1.2", text);
        Assert.Contains("   1  STRINGS        240", text);
        Assert.Contains("  11  LIMITS", text);
    }

    [Fact]
    public void Describer_lists_events_fetch_args_formats_and_globals()
    {
        var w = new StringWriter();
        BundleDescriber.DescribeTables(Model(), w);
        var text = w.ToString();
        Assert.Contains("events (5)", text);
        Assert.Contains("Kprobe         handler f1  probe:do_sys_open+4 dfd=%di", text);
        Assert.Contains("filter common_pid == 1", text);
        Assert.Contains("value 1000000000 ns", text);
        Assert.Contains("fetch dfd = Register %di : S32", text);
        Assert.Contains("fetch name = Memory %di offset -16 : String", text);
        Assert.Contains("printf \"%s\\n\"", text);
        Assert.Contains("globals (1): g0=count", text);
        Assert.Contains("arguments: \"trace.kp\" \"a b\" \"42\"", text);
        Assert.Contains("limit InstructionsPerRun = 100000", text);
    }
}
