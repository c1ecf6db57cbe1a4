using System.Buffers.Binary;
using SummaryBody = Ktap.Output.RecordLayout.SummaryBody;

namespace Ktap.Output;

/// <summary>A record stream that does not follow docs/record-format.md.</summary>
public sealed class RecordFormatException(string message, long offset)
    : Exception($"record stream at byte {offset}: {message}")
{
    public long Offset { get; } = offset;
}

/// <summary>
/// Reads the VM's binary record stream (docs/record-format.md), in the bundle's byte order.
/// </summary>
public static class RecordReader
{
    public const int HeaderSize = RecordLayout.HeaderSize;

    public static IEnumerable<Record> ReadAll(byte[] data, bool bigEndian)
    {
        int pos = 0;
        while (pos < data.Length)
        {
            if (data.Length - pos < HeaderSize)
                throw new RecordFormatException($"{data.Length - pos} bytes left, a record header needs {HeaderSize}", pos);
            var span = data.AsSpan(pos);
            uint len = U32(span[RecordLayout.OffLength..], bigEndian);
            if (len < HeaderSize || len % RecordLayout.Align != 0 || len > HostLimits.RecordBytes || len > data.Length - pos)
                throw new RecordFormatException($"bad record length {len}", pos);
            var kind = (RecordKind)U16(span[RecordLayout.OffKind..], bigEndian);
            uint a = U32(span[RecordLayout.OffA..], bigEndian);
            var body = new Cursor(data, pos + HeaderSize, pos + (int)len, bigEndian);
            yield return Parse(kind, a, body, pos);
            pos += (int)len;
        }
    }

    private static Record Parse(RecordKind kind, uint a, Cursor c, int at)
    {
        switch (kind)
        {
            case RecordKind.Print:
                return new PrintRecord(c.Values((int)a));
            case RecordKind.Printf:
                return new PrintfRecord((int)a, c.Values((int)c.U32()));
            case RecordKind.PrintfDynamic:
                return new DynamicPrintfRecord(c.Values((int)a));
            case RecordKind.Error:
            {
                int fn = (int)c.U32(), pc = (int)c.U32(), line = (int)c.U32();
                return new ErrorRecord((int)a, fn, pc, line, System.Text.Encoding.UTF8.GetString(c.Blob()));
            }
            case RecordKind.Histogram:
            {
                long sum = c.S64();
                int total = (int)c.U32();
                uint rows = c.U32();
                // a row is at least a tag and an i64: count it against the record before allocating
                if (rows > HostLimits.HistogramRows || rows * 9L > c.Remaining) throw new RecordFormatException($"{rows} histogram rows", at);
                var list = new List<(RecordValue, long)>((int)rows);
                for (int i = 0; i < rows; i++) list.Add((c.Value(), c.S64()));
                return new HistogramRecord(sum, total, list);
            }
            case RecordKind.Hist:
            case RecordKind.Lhist:
            {
                // a = 1: a ptable key's distribution, the key first; a = 0: a table's values
                if (a > 1) throw new RecordFormatException($"bucket record with a = {a}", at);
                RecordValue? key = a == 1 ? c.Value() : null;
                long min = c.S64(), max = c.S64(), step = c.S64();
                uint n = c.U32();
                if (n > HostLimits.HistBuckets || n * 8L > c.Remaining) throw new RecordFormatException($"{n} buckets", at);
                var counts = new long[n];
                for (int i = 0; i < n; i++) counts[i] = c.S64();
                return new BucketRecord(kind, min, max, step, counts, key);
            }
            case RecordKind.Backtrace:
                return new BacktraceRecord(c.Value());
            case RecordKind.Ansi:
            {
                var vals = c.Values((int)a == 0 ? 0 : CountRest(c));
                return new AnsiRecord((int)a, vals.Select(v => v.Number).ToList());
            }
            case RecordKind.Summary:
            {
                // the body of a = 0 first: a host that predates a = 1 reads only that
                var body = c.Take(SummaryBody.BytesA0).ToArray();
                ulong At(int offset) => (ulong)S64(body.AsSpan(offset), c.BigEndian);
                var hits = new ulong[SummaryBody.SizeBudgetHits / 8];
                for (int i = 0; i < hits.Length; i++) hits[i] = At(SummaryBody.BudgetHits + 8 * i);
                // a = 1: the script called exit(code); its code follows (docs/record-format.md).
                // Anything else in a is a stream this host does not understand.
                if (a > 1) throw new RecordFormatException($"a summary record with a = {a}", at);
                long? exitCode = a == 1 ? S64(c.Take(SummaryBody.BytesA1 - SummaryBody.BytesA0)[(SummaryBody.ExitCode - SummaryBody.BytesA0)..], c.BigEndian) : null;
                return new SummaryRecord(At(SummaryBody.Lost), At(SummaryBody.RuntimeErrors), At(SummaryBody.SkippedReentry),
                    At(SummaryBody.HandlerRuns), hits, At(SummaryBody.MemoryPeak)) { ExitCode = exitCode };
            }
            case RecordKind.Time:
            {
                if (a != 0 || c.Remaining != TransportRecords.TimeBodyBytes) throw new RecordFormatException($"a time record with a = {a} and {c.Remaining} body bytes", at);
                return new TimeRecord((ulong)c.S64());
            }
            default:
                throw new RecordFormatException($"unknown record kind {(ushort)kind}", at);
        }
    }

    // ansi records carry only numbers (a tag and an i64 each) then padding
    private static int CountRest(Cursor c) => c.Remaining / (1 + FixedBytes(ValueTag.Number));

    private static int FixedBytes(ValueTag tag) => RecordLayout.Tags[(int)tag].FixedBytes;

    private static uint U32(ReadOnlySpan<byte> s, bool big) =>
        big ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s);

    private static long S64(ReadOnlySpan<byte> s, bool big) =>
        big ? BinaryPrimitives.ReadInt64BigEndian(s) : BinaryPrimitives.ReadInt64LittleEndian(s);

    private static ushort U16(ReadOnlySpan<byte> s, bool big) =>
        big ? BinaryPrimitives.ReadUInt16BigEndian(s) : BinaryPrimitives.ReadUInt16LittleEndian(s);

    private sealed class Cursor(byte[] data, int pos, int end, bool big)
    {
        private int _pos = pos;
        public int Remaining => end - _pos;
        public bool BigEndian => big;

        public ReadOnlySpan<byte> Take(int n)
        {
            if (n < 0 || end - _pos < n) throw new RecordFormatException($"value runs past the record end", _pos);
            var s = data.AsSpan(_pos, n);
            _pos += n;
            return s;
        }

        public uint U32() => RecordReader.U32(Take(4), big);
        public long S64() => RecordReader.S64(Take(8), big);
        public byte[] Blob()
        {
            uint n = U32();
            if (n > Remaining) throw new RecordFormatException($"a length of {n} runs past the record end", _pos);
            return Take((int)n).ToArray();
        }

        public List<RecordValue> Values(int n)
        {
            if (n < 0 || n > Remaining) throw new RecordFormatException($"{n} values do not fit the record", _pos);
            var list = new List<RecordValue>(n);
            for (int i = 0; i < n; i++) list.Add(Value());
            return list;
        }

        public RecordValue Value()
        {
            var tag = (ValueTag)Take(1)[0];
            switch (tag)
            {
                case ValueTag.Nil: case ValueTag.False: case ValueTag.True: return new RecordValue(tag);
                case ValueTag.Number: return new RecordValue(tag, S64());
                case ValueTag.String: case ValueTag.Event: return new RecordValue(tag, Bytes: Blob());
                case ValueTag.Table: case ValueTag.Ptable: case ValueTag.Function: case ValueTag.Builtin:
                    return new RecordValue(tag, U32());
                case ValueTag.Statistics:
                    return new RecordValue(tag, Count: S64(), Sum: S64(), Min: S64(), Max: S64());
                case ValueTag.Stack:
                {
                    uint n = U32();
                    if (n > HostLimits.StackFrames) throw new RecordFormatException($"stack of {n} frames", _pos);
                    var frames = new List<StackFrame>((int)n);
                    for (int i = 0; i < n; i++)
                    {
                        ulong addr = (ulong)S64();
                        frames.Add(new StackFrame(addr, System.Text.Encoding.UTF8.GetString(Blob())));
                    }
                    return new RecordValue(tag, Frames: frames);
                }
                case ValueTag.UserStack:
                {
                    uint n = U32();
                    if (n > HostLimits.StackFrames) throw new RecordFormatException($"user stack of {n} frames", _pos);
                    if ((ulong)n * 8 > (ulong)Remaining) throw new RecordFormatException($"a user stack of {n} frames runs past the record end", _pos);
                    var frames = new List<StackFrame>((int)n);
                    for (int i = 0; i < n; i++) frames.Add(new StackFrame((ulong)S64(), ""));
                    return new RecordValue(tag, Frames: frames);
                }
                default:
                    throw new RecordFormatException($"unknown value tag {(byte)tag}", _pos - 1);
            }
        }
    }
}
