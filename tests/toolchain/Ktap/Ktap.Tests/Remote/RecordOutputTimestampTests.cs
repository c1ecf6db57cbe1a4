using System.Buffers.Binary;
using System.Text;
using Ktap.Bundle;
using Ktap.Output;
using Ktap.Profiles;
using Ktap.Tool.Remote;

namespace Ktap.Tests.Remote;

/// <summary>`ktap run -T` in the live decoder: the module's TIME records become line prefixes or a JSON field.</summary>
public sealed class RecordOutputTimestampTests
{
    private static byte[] Record(ushort kind, uint a, byte[] body)
    {
        var len = 12 + (body.Length + 3) / 4 * 4;
        var r = new byte[len];
        BinaryPrimitives.WriteUInt32LittleEndian(r, (uint)len);
        BinaryPrimitives.WriteUInt16LittleEndian(r.AsSpan(4), kind);
        BinaryPrimitives.WriteUInt32LittleEndian(r.AsSpan(8), a);
        body.CopyTo(r, 12);
        return r;
    }

    private static byte[] Time(ulong ns) { var b = new byte[8]; BinaryPrimitives.WriteUInt64LittleEndian(b, ns); return Record(TransportRecords.Time, 0, b); }

    // print("...") of one string
    private static byte[] Print(string s)
    {
        var t = Encoding.UTF8.GetBytes(s);
        var b = new byte[5 + t.Length];
        b[0] = 4;
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(1), (uint)t.Length);
        t.CopyTo(b, 5);
        return Record(1, 1, b);
    }

    private static byte[] Summary() => Record(10, 0, new byte[80]);

    private static (string Out, string Err) Run(OutputFormat format, params byte[][] records)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var output = new RecordOutput(new BundleModel(TargetProfiles.X86_64) { SourceName = "t.kp" }, format, o, e, colour: false);
        var all = records.SelectMany(r => r).ToArray();
        // in uneven chunks, as SSH delivers them: a TIME record may end one chunk
        for (var i = 0; i < all.Length; i += 7) output.Write(all.AsSpan(i, Math.Min(7, all.Length - i)));
        Assert.NotNull(output.Complete());
        return (o.ToString(), e.ToString());
    }

    [Fact]
    public void EachLineStartsWithItsRecordsTime()
    {
        var (o, e) = Run(OutputFormat.Text, Time(1_000), Print("a"), Time(2_500_000_000), Print("b\tc"), Time(3_000_000_000), Summary());
        Assert.Equal("    0.000001: a\n    2.500000: b\tc\n", o);
        Assert.Equal("", e); // the summary is ktap's report, not an output line
    }

    [Fact]
    public void WithoutTimeRecordsTheOutputIsAsBefore() =>
        Assert.Equal("a\n", Run(OutputFormat.Text, Print("a"), Summary()).Out);

    [Fact]
    public void JsonObjectsCarryTimeNs()
    {
        var lines = Run(OutputFormat.Json, Time(42), Print("a"), Time(99), Summary()).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length); // TIME records are no objects of their own
        using var print = System.Text.Json.JsonDocument.Parse(lines[0]);
        using var summary = System.Text.Json.JsonDocument.Parse(lines[1]);
        Assert.Equal(42, print.RootElement.GetProperty("time_ns").GetInt64());
        Assert.Equal(99, summary.RootElement.GetProperty("time_ns").GetInt64());
    }
}
