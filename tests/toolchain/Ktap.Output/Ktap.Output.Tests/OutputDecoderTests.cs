using System.Text;
using Ktap.Bundle;
using Ktap.Output;
using Ktap.Profiles;

namespace Ktap.Output.Tests;

public class OutputDecoderTests
{
    private static BundleModel Bundle(TargetProfile target)
    {
        var m = new BundleModel(target) { SourceName = "t.kp" };
        m.Formats.Add(new FormatModel(FormatKind.Printf, 2, Encoding.UTF8.GetBytes("%-4s|%3d\n"), 3));
        m.Functions.Add(new FunctionModel { Flags = FunctionFlags.Main, FrameSize = 1 });
        return m;
    }

    private static (string Out, string Err) Decode(byte[] records, OutputFormat format, TargetProfile? target = null)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        new OutputDecoder(Bundle(target ?? TargetProfiles.X86_64)).Decode(records, format, o, e);
        return (o.ToString(), e.ToString());
    }

    [Fact]
    public void PrintfUsesTheBundlesFormatTable()
    {
        var r = new RecordBytes(false).Begin(2, 0).U32(2).Str("ab").Num(7).End().Summary().ToArray();
        Assert.Equal("ab  |  7\n", Decode(r, OutputFormat.Text).Out);
    }

    [Fact]
    public void BigEndianBundlesDecodeBigEndianRecords()
    {
        var r = new RecordBytes(true).Begin(2, 0).U32(2).Str("pp").Num(-1).End().Summary().ToArray();
        Assert.Equal("pp  | -1\n", Decode(r, OutputFormat.Text, TargetProfiles.PowerPC).Out);
    }

    [Theory]
    [InlineData(true, "\u001b[31mred\n\u001b[0m\n")]
    [InlineData(false, "red\n\n")]
    public void AnsiEscapesOnlyWhenColourIsOn(bool colour, string expected)
    {
        var r = new RecordBytes(false).Begin(9, 2).Num(31).End().Begin(1, 1).Str("red").End().Begin(9, 3).End().Begin(9, 4).End().ToArray();
        var o = new StringWriter();
        new OutputDecoder(Bundle(TargetProfiles.X86_64)) { Colour = colour }.Decode(r, OutputFormat.Text, o, new StringWriter());
        Assert.Equal(expected, o.ToString());
    }

    [Fact]
    public void ColourIsOffForAnythingButTheConsole() =>
        Assert.False(OutputDecoder.TerminalColour(new StringWriter()));

    [Fact]
    public void PrintSeparatesByTabs() =>
        Assert.Equal("1\tnil\ttrue\tx\n", Decode(new RecordBytes(false).Begin(1, 4).Num(1).Nil().Bool(true).Str("x").End().ToArray(), OutputFormat.Text).Out);

    [Fact]
    public void ErrorsAndSummaryGoToDiagnostics()
    {
        var r = new RecordBytes(false).Begin(4, 2).U32(0).U32(3).U32(9).Blob("division or modulo by zero").End()
            .Summary(lost: 5, errors: 2).ToArray();
        var (o, e) = Decode(r, OutputFormat.Text);
        Assert.Equal("", o);
        Assert.Equal("t.kp:9: runtime error: division or modulo by zero\nktap: 5 output records lost\nktap: 2 runtime errors\n" +
                     "ktap: budget 'instructions per handler run' hit 2 times\n", e);
    }

    [Fact]
    public void HistogramIsKtapsLayout()
    {
        var r = new RecordBytes(false).Begin(5, 0).I64(3).U32(2).U32(2).Str("bash").I64(2).Str("sshd").I64(1).End().ToArray();
        string expected =
            "                         value ------------- Distribution ------------- count\n" +
            "                           bash |" + new string('@', 25) + new string(' ', 13) + "2      \n" +
            "                           sshd |" + new string('@', 12) + new string(' ', 26) + "1      \n";
        Assert.Equal(expected, Decode(r, OutputFormat.Text).Out);
    }

    [Fact]
    public void JsonLinesFollowTheSchema()
    {
        var r = new RecordBytes(false).Begin(2, 0).U32(2).Str("ab").Num(7).End()
            .Begin(4, 1).U32(0).U32(1).U32(4).Blob("boom").End().Summary(lost: 1).ToArray();
        var lines = Decode(r, OutputFormat.Json).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal("{\"type\":\"printf\",\"format\":0,\"line\":3,\"values\":[\"ab\",7],\"text\":\"ab  |  7\\n\"}", lines[0]);
        Assert.Equal("{\"type\":\"error\",\"code\":1,\"file\":\"t.kp\",\"line\":4,\"function\":\"main\",\"message\":\"boom\"}", lines[1]);
        Assert.StartsWith("{\"type\":\"summary\",\"lost_records\":1,", lines[2]);
    }

    [Fact]
    public void PrintfNamingAMissingFormatIsRefused()
    {
        var r = new RecordBytes(false).Begin(2, 9).U32(0).End().ToArray();
        Assert.Contains("format 9", Assert.Throws<RecordFormatException>(() => Decode(r, OutputFormat.Text)).Message);
    }
}
