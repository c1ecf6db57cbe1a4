using System.Text;
using System.Text.RegularExpressions;
using Ktap.Bundle;
using Ktap.Output;
using Ktap.Profiles;

namespace Ktap.Output.Tests;

/// <summary>
/// Records a damaged or hostile board could send (issue 17): each one is a decoder error or
/// bounded, escaped text, never an unhandled exception or a huge allocation.
/// </summary>
public class HostileRecordTests
{
    private static BundleModel Bundle(bool trusted = true)
    {
        var m = new BundleModel(TargetProfiles.X86_64) { SourceName = "t.kp" };
        m.Formats.Add(new FormatModel(FormatKind.Printf, 1, Encoding.UTF8.GetBytes("\u001b[1m%s\u001b[0m\n"), 3));
        m.Functions.Add(new FunctionModel { Flags = FunctionFlags.Main, FrameSize = 1 });
        return m;
    }

    private static (string Out, string Err) Text(byte[] records, bool trusted = true)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        new OutputDecoder(Bundle()) { TrustedFormats = trusted }.Decode(records, OutputFormat.Text, o, e);
        return (o.ToString(), e.ToString());
    }

    private static string Json(byte[] records)
    {
        var o = new StringWriter();
        new OutputDecoder(Bundle()).Decode(records, OutputFormat.Json, o, new StringWriter());
        return o.ToString();
    }

    private static RecordBytes R() => new(false);

    private static void NoControl(string s)
    {
        foreach (var c in s)
            Assert.False((c < ' ' && c != '\n' && c != '\t') || (c >= '\u007f' && c <= '\u009f'), $"U+{(int)c:X4} reached the output");
    }

    private static long Allocated(Action a)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        a();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void A_hist_claiming_2_to_the_31_buckets_is_a_format_error_before_any_allocation()
    {
        var r = R().Begin(6, 0).I64(0).I64(0).I64(0).U32(0x8000_0000).I64(1).End().ToArray();
        long bytes = 0;
        Assert.Throws<RecordFormatException>(() => bytes = Allocated(() => Text(r)));
        var big = R().Begin(6, 0).I64(0).I64(0).I64(0).U32(5000).I64(1).End().ToArray();
        Assert.Throws<RecordFormatException>(() => Text(big));
    }

    [Fact]
    public void A_ptable_keys_distribution_prints_its_key_then_its_buckets()
    {
        // a = 1: the key first (record-format.md); one block per key, a blank line after it
        var r = R().Begin(6, 1).Str("lat").I64(0).I64(0).I64(0).U32(66);
        for (int i = 0; i < 66; i++) r.I64(i == 2 ? 1 : i == 11 ? 489 : 0);
        var bytes = r.End().ToArray();
        var text = Text(bytes).Out;
        Assert.StartsWith("lat:\n[1]  ", text);
        Assert.Contains("[512, 1K)            489 |", text);
        Assert.EndsWith("|\n\n", text);
        Assert.Contains("\"key\":\"lat\"", Json(bytes));
        var l = R().Begin(7, 1).Num(-3).I64(0).I64(100).I64(10).U32(12);
        for (int i = 0; i < 12; i++) l.I64(i == 11 ? 2 : 0);
        Assert.Equal("-3:\n" + "[100, ...)".PadRight(16) + "       2 |" + new string('@', 52) + "|\n\n", Text(l.End().ToArray()).Out);
    }

    [Fact]
    public void A_bucket_record_with_an_unknown_a_or_a_key_past_its_end_is_a_format_error()
    {
        var a2 = R().Begin(6, 2).I64(0).I64(0).I64(0).U32(0).End().ToArray();
        Assert.Throws<RecordFormatException>(() => Text(a2));
        // a key claiming more bytes than the record holds, then no room for the header fields
        var longKey = R().Begin(6, 1).U8(4).U32(0x7fff_ffff).End().ToArray();
        Assert.Throws<RecordFormatException>(() => Text(longKey));
        var noBuckets = R().Begin(7, 1).Str("k").I64(0).End().ToArray();
        Assert.Throws<RecordFormatException>(() => Text(noBuckets));
    }

    [Fact]
    public void A_stack_key_prints_on_one_line()
    {
        var r = R().Begin(6, 1).U8(11).U32(2).I64(0x1000).Blob("a\nb").I64(0x2000).Blob("")
            .I64(0).I64(0).I64(0).U32(3).I64(0).I64(1).I64(0).End().ToArray();
        var head = Text(r).Out.Split('\n')[0];
        Assert.EndsWith(":", head);
        Assert.DoesNotContain("=>", head);
    }

    [Fact]
    public void Negative_and_huge_bucket_counts_draw_bounded_bars()
    {
        foreach (var kind in new ushort[] { 6, 7 })
        {
            var b = R().Begin(kind, 0).I64(0).I64(100).I64(10).U32(5)
                .I64(-1_500_000_000_000).I64(long.MaxValue).I64(long.MinValue).I64(3).I64(-7).End().ToArray();
            var text = Text(b).Out;
            foreach (var line in text.Split('\n')) Assert.True(line.Length < 120, $"line of {line.Length} characters: {line[..Math.Min(80, line.Length)]}");
            Assert.Contains(long.MaxValue.ToString(), text);
        }
    }

    [Fact]
    public void Histogram_bars_do_not_wrap_and_rows_are_bounded()
    {
        var h = R().Begin(5, 0).I64(3).U32(2).U32(2).Str("a").I64(long.MaxValue).Str("b").I64(-5).End().ToArray();
        var text = Text(h).Out;
        Assert.Contains(" |" + new string('@', 38), text); // count far above the sum: a full bar, not a wrapped one
        var many = R().Begin(5, 0).I64(3).U32(2).U32(100_000_000).End().ToArray();
        Assert.Throws<RecordFormatException>(() => Text(many));
    }

    [Fact]
    public void A_statistics_average_that_overflows_is_printed()
    {
        var p = R().Begin(1, 1).Stat(-1, long.MinValue, 0, 0).End().ToArray();
        Assert.Contains("avg=9223372036854775807", Text(p).Out);
        Assert.Contains("\"count\":-1", Json(p));
    }

    [Theory]
    [InlineData("%2147483647d")]
    [InlineData("%200000000d")]
    [InlineData("%.99999999999999999999d")]
    [InlineData("%5000s")]
    public void A_printf_width_from_the_board_is_capped(string format)
    {
        var r = R().Begin(3, 2).Str(format).Num(1).End().ToArray();
        long bytes = 0;
        Assert.Throws<PrintfException>(() => bytes = Allocated(() => Text(r)));
        Assert.Throws<PrintfException>(() => Json(r));
        var ok = R().Begin(3, 2).Str("%4096d").Num(1).End().ToArray();
        Assert.Equal(4097, Text(ok).Out.Length + 1);
    }

    [Fact]
    public void A_record_header_claiming_2_GiB_is_refused()
    {
        var r = R().Begin(1, 0).End().ToArray();
        BitConverter.GetBytes(0x8000_0000u).CopyTo(r, 0);
        Assert.Throws<RecordFormatException>(() => Text(r));
    }

    [Fact]
    public void Strings_and_lengths_running_past_the_record_are_format_errors()
    {
        var r = R().Begin(1, 1).U32(0).U32(0).End().ToArray();
        r[12] = 4; // string tag, then a length of 0xffffffff
        BitConverter.GetBytes(0xffff_ffffu).CopyTo(r, 13);
        Assert.Throws<RecordFormatException>(() => Text(r));
        var stack = R().Begin(8, 0).U32(0).U32(0).End().ToArray();
        stack[12] = 11; BitConverter.GetBytes(0x8000_0000u).CopyTo(stack, 13);
        Assert.Throws<RecordFormatException>(() => Text(stack));
    }

    [Fact]
    public void Board_values_cannot_steer_the_terminal_in_text_mode()
    {
        const string evil = "\u001b]8;;http://evil\u0007click\u001b]8;;\u0007\rktap: session ended normally\u001b[2J\u009b\u202e";
        var records = R().Begin(1, 1).Str(evil).End()
            .Begin(2, 0).U32(1).Str(evil).End()
            .Begin(3, 2).Str("%s\u001b[31m").Str(evil).End()
            .Begin(5, 0).I64(1).U32(1).U32(1).Str(evil).I64(1).End()
            .Begin(4, 11).U32(0).U32(0).U32(3).Blob(evil).End()
            .Summary().ToArray();
        var (o, e) = Text(records);
        NoControl(o.Replace("\u001b[1m", "").Replace("\u001b[0m", "")); // the trusted format's own sequences stay
        NoControl(e);
        Assert.Contains("\\x1b]8;;http://evil\\x07click", o);
        Assert.Contains("\\rktap: session ended normally", o);
        Assert.Contains("\u001b[1m", o);
        // a bundle from disk: its format text is untrusted too
        var (o2, _) = Text(R().Begin(2, 0).U32(1).Str("x").End().ToArray(), trusted: false);
        Assert.Equal("\\x1b[1mx\\x1b[0m\n", o2);
        // JSON escapes by itself: the raw text survives, escaped as JSON
        var json = Json(records);
        NoControl(json);
        Assert.Contains("\\u001B]8;;http://evil", json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Every_limit_is_in_the_docs_table()
    {
        var docs = RepoFiles.Read("docs", "ktap.md");
        foreach (var (name, value) in HostLimits.All)
            Assert.Matches(new Regex($@"\| `{name}` \| {value} \|"), docs);
        Assert.True(HostLimits.All.Count >= 15);
    }

    [Fact]
    public void Random_damage_to_a_record_stream_is_a_decoder_error_or_bounded_text()
    {
        var good = R().Begin(1, 2).Str("x").Num(5).End().Begin(5, 0).I64(3).U32(2).U32(1).Str("a").I64(2).End()
            .Begin(7, 0).I64(0).I64(10).I64(5).U32(4).I64(1).I64(2).I64(3).I64(4).End()
            .Begin(3, 2).Str("%-5d|%x").Num(3).Num(255).End().Summary().ToArray();
        var random = new Random(3);
        for (var i = 0; i < 3000; i++)
        {
            var b = (byte[])good.Clone();
            for (var k = random.Next(1, 4); k > 0; k--) b[random.Next(b.Length)] = (byte)random.Next(256);
            try
            {
                var (o, e) = Text(b);
                NoControl(o);
                Assert.True(o.Length < 1_000_000);
                Json(b);
            }
            catch (RecordFormatException) { }
            catch (PrintfException) { }
        }
    }
}
