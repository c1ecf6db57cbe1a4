using System.Buffers.Binary;
using Ktap.Profiles;

namespace Ktap.Bundle;

/// <summary>
/// A growing byte buffer written in one byte order. Every multi-byte field of a bundle goes
/// through exactly one of WriteU16/WriteU32/WriteU64 (or their Patch twins), never a struct dump.
/// </summary>
public sealed class EndianWriter
{
    private byte[] _buffer;

    public EndianWriter(ByteOrder order, int capacity = 4096)
    {
        Order = order;
        _buffer = new byte[Math.Max(capacity, 16)];
    }

    public ByteOrder Order { get; }
    public int Position { get; private set; }

    public void WriteU8(byte value) => Reserve(1)[0] = value;
    public void WriteU16(ushort value) => PutU16(Reserve(2), value);
    public void WriteU32(uint value) => PutU32(Reserve(4), value);
    public void WriteU64(ulong value) => PutU64(Reserve(8), value);
    public void WriteBytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Reserve(bytes.Length));
    public void WriteZeros(int count) => Reserve(count).Clear();

    /// <summary>Zero bytes up to the next multiple of 4 from the start.</summary>
    public void Align4() => WriteZeros((4 - (Position & 3)) & 3);

    public void PatchU16(int offset, ushort value) => PutU16(_buffer.AsSpan(offset, 2), value);
    public void PatchU32(int offset, uint value) => PutU32(_buffer.AsSpan(offset, 4), value);
    public void PatchU64(int offset, ulong value) => PutU64(_buffer.AsSpan(offset, 8), value);

    /// <summary>The bytes written; the buffer itself when it was sized exactly (no copy).</summary>
    public byte[] ToArray() => Position == _buffer.Length ? _buffer : _buffer.AsSpan(0, Position).ToArray();
    public Span<byte> Written => _buffer.AsSpan(0, Position);

    private void PutU16(Span<byte> s, ushort v)
    {
        if (Order == ByteOrder.Big) BinaryPrimitives.WriteUInt16BigEndian(s, v); else BinaryPrimitives.WriteUInt16LittleEndian(s, v);
    }

    private void PutU32(Span<byte> s, uint v)
    {
        if (Order == ByteOrder.Big) BinaryPrimitives.WriteUInt32BigEndian(s, v); else BinaryPrimitives.WriteUInt32LittleEndian(s, v);
    }

    private void PutU64(Span<byte> s, ulong v)
    {
        if (Order == ByteOrder.Big) BinaryPrimitives.WriteUInt64BigEndian(s, v); else BinaryPrimitives.WriteUInt64LittleEndian(s, v);
    }

    private Span<byte> Reserve(int count)
    {
        if (Position + count > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Position + count));
        var span = _buffer.AsSpan(Position, count);
        Position += count;
        return span;
    }
}
