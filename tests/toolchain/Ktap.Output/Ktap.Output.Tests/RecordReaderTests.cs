using Ktap.Output;

namespace Ktap.Output.Tests;

public class RecordReaderTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsEveryValueKindInBothByteOrders(bool big)
    {
        var bytes = new RecordBytes(big)
            .Begin(1, 5).Nil().Bool(true).Num(-7).Str("héllo").Stat(2, 10, 4, 6).End()
            .Summary().ToArray();
        var records = RecordReader.ReadAll(bytes, big).ToList();
        var print = Assert.IsType<PrintRecord>(records[0]);
        Assert.Equal(new[] { ValueTag.Nil, ValueTag.True, ValueTag.Number, ValueTag.String, ValueTag.Statistics },
            print.Values.Select(v => v.Tag));
        Assert.Equal(-7, print.Values[2].Number);
        Assert.Equal("héllo", print.Values[3].Text);
        Assert.Equal(10, print.Values[4].Sum);
        Assert.IsType<SummaryRecord>(records[1]);
    }

    [Theory]
    [InlineData(false, -1L, 0UL, 255)]
    [InlineData(true, -1L, 0UL, 255)]
    [InlineData(true, 3L, 5UL, 3)]
    [InlineData(false, 512L, 5UL, 22)]
    [InlineData(false, long.MinValue, 0UL, 0)]
    public void A_summary_with_a_1_carries_the_scripts_exit_code(bool big, long code, ulong errors, int status)
    {
        var s = Assert.IsType<SummaryRecord>(RecordReader.ReadAll(new RecordBytes(big).Summary(errors: errors, exitCode: code).ToArray(), big).Single());
        Assert.Equal(code, s.ExitCode);
        Assert.Equal(status, s.SessionStatus);
        var plain = Assert.IsType<SummaryRecord>(RecordReader.ReadAll(new RecordBytes(big).Summary(errors: errors).ToArray(), big).Single());
        Assert.Null(plain.ExitCode);
        Assert.Equal(errors > 0 ? 22 : 0, plain.SessionStatus);
    }

    [Fact]
    public void ReadsErrorRecords()
    {
        var bytes = new RecordBytes(false).Begin(4, 2).U32(1).U32(7).U32(12).Blob("division or modulo by zero").End().ToArray();
        var e = Assert.IsType<ErrorRecord>(RecordReader.ReadAll(bytes, false).Single());
        Assert.Equal((2, 1, 7, 12, "division or modulo by zero"), (e.Code, e.Function, e.Pc, e.Line, e.Message));
    }

    [Fact]
    public void TruncatedStreamIsRefusedWithItsOffset()
    {
        var bytes = new RecordBytes(false).Begin(1, 1).Num(1).End().ToArray();
        var cut = bytes.Take(bytes.Length - 4).ToArray();
        var ex = Assert.Throws<RecordFormatException>(() => RecordReader.ReadAll(cut, false).ToList());
        Assert.Equal(0, ex.Offset);
        Assert.Contains("bad record length 24", ex.Message);
    }

    [Fact]
    public void UnknownKindIsRefused()
    {
        var bytes = new RecordBytes(false).Begin(99, 0).End().ToArray();
        Assert.Contains("unknown record kind 99", Assert.Throws<RecordFormatException>(() => RecordReader.ReadAll(bytes, false).ToList()).Message);
    }

    [Fact]
    public void ValueCountBeyondTheRecordIsRefused()
    {
        var bytes = new RecordBytes(false).Begin(1, 1000).Num(1).End().ToArray();
        Assert.Contains("1000 values", Assert.Throws<RecordFormatException>(() => RecordReader.ReadAll(bytes, false).ToList()).Message);
    }

    [Fact]
    public void ValueRunningPastTheRecordIsRefused()
    {
        var bytes = new RecordBytes(false).Begin(1, 1).U32(0x04).End().ToArray(); // tag 4 then a short length
        Assert.Throws<RecordFormatException>(() => RecordReader.ReadAll(bytes, false).ToList());
    }
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsAUserStackAsBareAddresses(bool big)
    {
        // kind 8 (backtrace), value tag 12: u32 N, N u64 addresses, no symbol text
        var bytes = new RecordBytes(big).Begin(8, 0).U8(12).U32(2).I64(0x401136).I64(0x7ffd1234).End().ToArray();
        var bt = Assert.IsType<BacktraceRecord>(RecordReader.ReadAll(bytes, big).Single());
        Assert.Equal(ValueTag.UserStack, bt.Stack.Tag);
        Assert.Equal(new ulong[] { 0x401136, 0x7ffd1234 }, bt.Stack.Frames!.Select(f => f.Address));
        Assert.All(bt.Stack.Frames!, f => Assert.Equal("", f.Symbol));
    }

    [Fact]
    public void UserStackDeeperThanTheRecordIsRefused()
    {
        // a hostile board claims 3 frames and sends 1: refused with the offset, not read past the end
        var bytes = new RecordBytes(false).Begin(8, 0).U8(12).U32(3).I64(0x401136).End().ToArray();
        var ex = Assert.Throws<RecordFormatException>(() => RecordReader.ReadAll(bytes, false).ToList());
        Assert.Contains("user stack of 3 frames runs past the record end", ex.Message);
    }

    [Fact]
    public void UserStackBeyondTheFrameLimitIsRefused()
    {
        var bytes = new RecordBytes(false).Begin(8, 0).U8(12).U32(100000).End().ToArray();
        Assert.Contains("user stack of 100000 frames", Assert.Throws<RecordFormatException>(() => RecordReader.ReadAll(bytes, false).ToList()).Message);
    }
}
