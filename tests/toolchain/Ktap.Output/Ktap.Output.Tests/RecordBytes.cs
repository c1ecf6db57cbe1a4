using System.Buffers.Binary;
using System.Text;
using Ktap.Output;

namespace Ktap.Output.Tests;

/// <summary>Writes record streams the way the C VM does (docs/record-format.md), for the decoder tests.</summary>
internal sealed class RecordBytes(bool bigEndian)
{
    private readonly List<byte> _all = new();
    private List<byte> _cur = new();

    public RecordBytes Begin(ushort kind, uint a)
    {
        _cur = new List<byte>();
        U32(0);
        var k = new byte[2];
        if (bigEndian) BinaryPrimitives.WriteUInt16BigEndian(k, kind); else BinaryPrimitives.WriteUInt16LittleEndian(k, kind);
        _cur.AddRange(k);
        _cur.Add(0); _cur.Add(0);
        U32(a);
        return this;
    }

    public RecordBytes U32(uint v)
    {
        var b = new byte[4];
        if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(b, v); else BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        _cur.AddRange(b);
        return this;
    }

    public RecordBytes I64(long v)
    {
        var b = new byte[8];
        if (bigEndian) BinaryPrimitives.WriteInt64BigEndian(b, v); else BinaryPrimitives.WriteInt64LittleEndian(b, v);
        _cur.AddRange(b);
        return this;
    }

    public RecordBytes Num(long v) { Tag(ValueTag.Number); return I64(v); }
    public RecordBytes U8(byte v) { _cur.Add(v); return this; }
    public RecordBytes Nil() => Tag(ValueTag.Nil);
    public RecordBytes Bool(bool v) => Tag(v ? ValueTag.True : ValueTag.False);
    public RecordBytes Tag(ValueTag tag) { _cur.Add((byte)tag); return this; }
    public RecordBytes Str(string s) { Tag(ValueTag.String); var b = Encoding.UTF8.GetBytes(s); U32((uint)b.Length); _cur.AddRange(b); return this; }
    public RecordBytes Stat(long count, long sum, long min, long max) { Tag(ValueTag.Statistics); return I64(count).I64(sum).I64(min).I64(max); }
    public RecordBytes Blob(string s) { var b = Encoding.UTF8.GetBytes(s); U32((uint)b.Length); _cur.AddRange(b); return this; }

    public RecordBytes End()
    {
        while (_cur.Count % RecordLayout.Align != 0) _cur.Add(0);
        var len = new byte[4];
        if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(len, (uint)_cur.Count); else BinaryPrimitives.WriteUInt32LittleEndian(len, (uint)_cur.Count);
        for (int i = 0; i < 4; i++) _cur[i] = len[i];
        _all.AddRange(_cur);
        return this;
    }

    public RecordBytes Summary(ulong lost = 0, ulong errors = 0, long? exitCode = null)
    {
        Begin((ushort)RecordKind.Summary, exitCode is null ? 0u : 1u).I64((long)lost).I64((long)errors).I64(0).I64(1);
        for (int i = 0; i < Enum.GetValues<Ktap.Bundle.LimitKey>().Length; i++) I64(i == 0 ? (long)errors : 0);
        I64(4096);
        if (exitCode is long x) I64(x); // a = 1: the script's exit(code)
        return End();
    }

    public byte[] ToArray() => _all.ToArray();
}
