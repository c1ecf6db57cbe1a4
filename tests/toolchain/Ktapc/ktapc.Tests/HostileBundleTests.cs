using Ktap.Bundle;
using Ktap.Bytecode;
using Ktap.Profiles;

namespace Ktap.Cli.Tests;

/// <summary>`ktapc dump` of bundles written to attack the reader (docs/ktap.md, "Untrusted input").</summary>
public class HostileBundleTests
{
    private static byte[] Bundle(string sourceName, Action<BundleModel, FunctionModel>? edit = null)
    {
        var m = new BundleModel(TargetProfiles.X86_64) { SourceName = sourceName };
        m.Constants.Add(Constant.String(m.Strings.Intern("hi\u001b]8;;http://evil\u0007x")));
        m.Formats.Add(new FormatModel(FormatKind.Print, 1, null, 2));
        var f = new FunctionModel { Name = m.Strings.Intern("main"), FrameSize = 1, FirstLine = 1, LastLine = 2, Flags = FunctionFlags.Main };
        f.Code.Add(Instruction.ABx(Opcode.LOADK, 0, 0)); f.Lines.Add(1);
        f.Code.Add(Instruction.ABC(Opcode.PRINT, 0, 1, 0)); f.Lines.Add(2);
        f.Code.Add(Instruction.ABC(Opcode.RETURN, 0, 1, 0)); f.Lines.Add(2);
        edit?.Invoke(m, f);
        m.Functions.Add(f);
        return BundleWriter.Write(m);
    }

    private static void NoControlCharacters(string text)
    {
        foreach (var c in text)
            Assert.False(c < ' ' && c != '\n' && c != '\t' || c == '\u007f', $"control character U+{(int)c:X4} in the output");
    }

    [Fact]
    public void A_source_name_with_NUL_is_shown_escaped_and_opens_nothing()
    {
        using var cli = new CliRun();
        File.WriteAllBytes(cli.PathOf("nul.kbc"), Bundle("a\0b.kp"));
        Assert.Equal(0, cli.Run("dump", "nul.kbc"));
        Assert.Contains("source_name       a\\x00b.kp", cli.Out);
        NoControlCharacters(cli.Out);
        Assert.Equal("", cli.Err);
    }

    [Fact]
    public void A_source_name_that_is_a_path_never_prints_that_file()
    {
        using var cli = new CliRun();
        var secret = cli.PathOf("secret.txt");
        File.WriteAllText(secret, "TOP-SECRET line 1\nTOP-SECRET line 2\n");
        File.WriteAllBytes(cli.PathOf("steal.kbc"), Bundle(secret));
        File.WriteAllBytes(cli.PathOf("steal2.kbc"), Bundle("secret.txt"));
        Assert.Equal(0, cli.Run("dump", "steal.kbc"));
        Assert.DoesNotContain("TOP-SECRET", cli.Out);
        Assert.Equal(0, cli.Run("dump", "steal2.kbc"));
        Assert.DoesNotContain("TOP-SECRET", cli.Out);
        // the user's own choice still works
        Assert.Equal(0, cli.Run("dump", "steal.kbc", "--source", secret));
        Assert.Contains("TOP-SECRET line 1", cli.Out);
    }

    [Fact]
    public void Strings_with_escape_sequences_are_escaped_in_the_dump()
    {
        using var cli = new CliRun();
        File.WriteAllBytes(cli.PathOf("esc.kbc"), Bundle("esc\u001b[2J.kp"));
        Assert.Equal(0, cli.Run("dump", "esc.kbc"));
        Assert.Contains("esc\\x1b[2J.kp", cli.Out);
        NoControlCharacters(cli.Out);
    }

    [Fact]
    public void An_instruction_naming_a_string_out_of_range_is_refused_by_the_reader()
    {
        using var cli = new CliRun();
        // (lines must match the code: one more line for the inserted instruction)
        var b = Bundle("evf.kp", (m, f) => { f.Code.Insert(0, Instruction.ABx(Opcode.EVFIELD, 0, 60000)); f.Lines.Insert(0, 1); });
        File.WriteAllBytes(cli.PathOf("evf.kbc"), b);
        Assert.Equal(ExitCodes.ScriptError, cli.Run("dump", "evf.kbc"));
        Assert.Contains("string index 60000 out of range", cli.Err);
        Assert.DoesNotContain("   at ", cli.Err);
    }

    [Fact]
    public void Every_truncation_and_bit_flip_of_a_bundle_is_a_reader_error_never_a_crash()
    {
        var good = Bundle("flip.kp");
        var random = new Random(17);
        for (var i = 0; i < 400; i++)
        {
            var b = (byte[])good.Clone();
            b[random.Next(b.Length)] ^= (byte)(1 << random.Next(8));
            if (i % 4 == 0) b = b[..random.Next(b.Length)];
            try { BundleReader.Read(b); }
            catch (BundleFormatException) { }
        }
    }

    [Fact]
    public void An_internal_error_is_one_line_with_a_hint_and_exit_70()
    {
        Assert.Equal(70, ExitCodes.Internal);
        var e = new StringWriter();
        Ktap.Output.UnexpectedFailure.Report("ktapc", new OverflowException("boom\u001b[2J"), e, debug: false);
        var lines = e.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("ktapc: internal error: OverflowException: boom\\x1b[2J", lines[0]);
        Assert.Contains("--debug", lines[1]);
    }
}
