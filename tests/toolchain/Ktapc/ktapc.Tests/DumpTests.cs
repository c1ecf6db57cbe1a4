using Ktap.Bundle;
using Ktap.Bytecode;
using Ktap.Profiles;

namespace Ktap.Cli.Tests;

public class DumpTests
{
    private static byte[] Bundle(TargetProfile target)
    {
        var m = new BundleModel(target) { SourceName = "hello.kp" };
        m.Constants.Add(Constant.String(m.Strings.Intern("hello")));
        m.Formats.Add(new FormatModel(FormatKind.Print, 1, null, 2));
        var f = new FunctionModel { Name = m.Strings.Intern("main"), FrameSize = 1, FirstLine = 1, LastLine = 2, Flags = FunctionFlags.Main };
        f.Code.Add(Instruction.ABx(Opcode.LOADK, 0, 0)); f.Lines.Add(2);
        f.Code.Add(Instruction.ABC(Opcode.PRINT, 0, 1, 0)); f.Lines.Add(2);
        f.Code.Add(Instruction.ABC(Opcode.RETURN, 0, 1, 0)); f.Lines.Add(2);
        m.Functions.Add(f);
        return BundleWriter.Write(m);
    }

    [Fact]
    public void Dump_shows_header_sections_and_disassembly_with_source_lines()
    {
        using var cli = new CliRun();
        File.WriteAllBytes(cli.PathOf("hello.kbc"), Bundle(TargetProfiles.PowerPC));
        File.WriteAllText(cli.PathOf("hello.kp"), "# greets\nprint(\"hello\")\n");
        Assert.Equal(0, cli.Run("dump", "hello.kbc"));
        Assert.Contains("target powerpc", cli.Out);
        Assert.Contains("byte_order        2 (big-endian)", cli.Out);
        Assert.Contains("   1  STRINGS", cli.Out);
        Assert.Contains("function 0 main [main]", cli.Out);
        Assert.Contains("  ; 2: print(\"hello\")", cli.Out);
        Assert.Matches(@"LOADK +r0 k0 +; k0 = ""hello""", cli.Out);
        Assert.Equal("", cli.Err);
    }

    [Fact]
    public void Dump_shows_the_kernel_symbol_relocations_and_names_them_in_the_code()
    {
        using var cli = new CliRun();
        File.WriteAllText(cli.PathOf("k.kp"), "print(`vfs_read`, 7)\n");
        Assert.Equal(0, cli.Run("--target", "arm-v7", "k.kp", "-o", "k.kbc"));
        Assert.Equal(0, cli.Run("dump", "k.kbc"));
        Assert.Contains("format_version    2", cli.Out);
        Assert.Matches(@"\n +12 +KSYMS +\d+ +8 +1\n", cli.Out);
        Assert.Contains("kernel symbols (1, resolved from the board's kallsyms when linked)\n  k0    `vfs_read`\n", cli.Out);
        Assert.Matches(@"LOADK +r0 k0 +; k0 = `vfs_read` \(address from kallsyms\)", cli.Out);
        Assert.Matches(@"LOADK +r1 k1 +; k1 = 7", cli.Out);
    }

    [Fact]
    public void Dump_without_the_source_still_shows_line_numbers()
    {
        using var cli = new CliRun();
        File.WriteAllBytes(cli.PathOf("hello.kbc"), Bundle(TargetProfiles.X86));
        Assert.Equal(0, cli.Run("dump", "hello.kbc"));
        Assert.Contains("      0  [   2]  LOADK", cli.Out);
        Assert.DoesNotContain("; 2:", cli.Out);
    }

    [Fact]
    public void Dump_takes_the_source_from_an_option()
    {
        using var cli = new CliRun();
        File.WriteAllBytes(cli.PathOf("hello.kbc"), Bundle(TargetProfiles.X86));
        File.WriteAllText(cli.PathOf("other.kp"), "\nprint(\"other\")\n");
        Assert.Equal(0, cli.Run("dump", "hello.kbc", "--source", "other.kp"));
        Assert.Contains("  ; 2: print(\"other\")", cli.Out);
    }

    [Fact]
    public void Dump_of_a_damaged_bundle_exits_1_with_the_reader_message()
    {
        using var cli = new CliRun();
        var b = Bundle(TargetProfiles.X86_64);
        b[4] = 9;
        File.WriteAllBytes(cli.PathOf("bad.kbc"), b);
        Assert.Equal(ExitCodes.ScriptError, cli.Run("dump", "bad.kbc"));
        Assert.Equal("ktapc: bad.kbc: unsupported bundle format version 9 (this reader: 1 to 4)\n", cli.Err);
    }
}
