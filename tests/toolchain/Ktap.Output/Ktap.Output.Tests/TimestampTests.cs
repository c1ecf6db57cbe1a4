using Ktap.Output;

namespace Ktap.Output.Tests;

/// <summary>`ktap run -T`: the TIME record (ktap_record_format.def) and the line prefix.</summary>
public class TimestampTests
{
    [Theory]
    [InlineData(0UL, "    0.000000: ")]
    [InlineData(999UL, "    0.000000: ")]                 // below a microsecond: cut, not rounded
    [InlineData(1_234_567_890UL, "    1.234567: ")]
    [InlineData(59_000_001_000UL, "   59.000001: ")]
    [InlineData(123_456_000_000_000UL, "123456.000000: ")] // past 27 hours the column widens
    public void FormatIsSecondsAndMicrosecondsLikeFtrace(ulong ns, string expected) =>
        Assert.Equal(expected, TimestampPrefixer.Format(ns));

    [Fact]
    public void EveryLineOfARecordStartsWithItsTime()
    {
        var p = new TimestampPrefixer();
        Assert.Equal("    1.000000: a\n    1.000000: b\n", p.Apply("a\nb\n", 1_000_000_000));
        Assert.Equal("    2.000000: c\n", p.Apply("c\n", 2_000_000_000));
    }

    [Fact]
    public void TextContinuingALineGetsNoSecondPrefix()
    {
        // printf("x=") then printf("%d\n", 5): one line, the time of the record that began it
        var p = new TimestampPrefixer();
        Assert.Equal("    0.000010: x=", p.Apply("x=", 10_000));
        Assert.Equal("5\n", p.Apply("5\n", 20_000));
        Assert.Equal("    0.000030: y\n", p.Apply("y\n", 30_000));
    }

    [Fact]
    public void AnsiTextIsPassedButItsNewlineStartsALine()
    {
        var p = new TimestampPrefixer();
        Assert.Equal("    0.000001: a", p.Apply("a", 1_000));
        p.Pass("\n"); // ansi.new_line
        Assert.Equal("    0.000002: b\n", p.Apply("b\n", 2_000));
        Assert.Equal("", p.Apply("", 3_000));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheReaderDecodesTimeRecordsInBothByteOrders(bool big)
    {
        var bytes = new RecordBytes(big).Begin(TransportRecords.Time, 0).I64(1_500_000_000).End().Begin(1, 1).Num(7).End().ToArray();
        var records = RecordReader.ReadAll(bytes, big).ToList();
        Assert.Equal(20, bytes.Length - 24); // the TIME record: header and one u64
        Assert.Equal(1_500_000_000UL, Assert.IsType<TimeRecord>(records[0]).Nanoseconds);
        Assert.IsType<PrintRecord>(records[1]);
    }

    [Theory]
    [InlineData(1u, 1)] // a must be 0
    [InlineData(0u, 2)] // one u64, not two
    public void AMalformedTimeRecordIsRefused(uint a, int words)
    {
        var r = new RecordBytes(false).Begin(TransportRecords.Time, a);
        for (var i = 0; i < words; i++) r.I64(5);
        var ex = Assert.Throws<RecordFormatException>(() => RecordReader.ReadAll(r.End().ToArray(), false).ToList());
        Assert.Contains("time record", ex.Message);
    }

    [Fact]
    public void JsonCarriesTheTimeAsANumberField()
    {
        var m = new Ktap.Bundle.BundleModel(Ktap.Profiles.TargetProfiles.X86_64) { SourceName = "t.kp" };
        var print = RecordReader.ReadAll(new RecordBytes(false).Begin(1, 1).Num(7).End().ToArray(), false).Single();
        var json = new OutputDecoder(m).Json(print, 1_234_567_890UL);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal(1_234_567_890UL, doc.RootElement.GetProperty("time_ns").GetUInt64());
        Assert.Equal("print", doc.RootElement.GetProperty("type").GetString());
        Assert.DoesNotContain("time_ns", new OutputDecoder(m).Json(print));
    }
}
