using System.Buffers.Binary;
using Ktap.Profiles;

namespace Ktap.Bundle;

/// <summary>Reads fields at absolute offsets in one byte order: the reader's one primitive per width.</summary>
public readonly ref struct EndianReader
{
    private readonly ReadOnlySpan<byte> _data;

    public EndianReader(ReadOnlySpan<byte> data, ByteOrder order)
    {
        _data = data;
        Order = order;
    }

    public ByteOrder Order { get; }

    public byte U8(int offset) => _data[offset];

    public ushort U16(int offset) => Order == ByteOrder.Big
        ? BinaryPrimitives.ReadUInt16BigEndian(_data.Slice(offset, 2))
        : BinaryPrimitives.ReadUInt16LittleEndian(_data.Slice(offset, 2));

    public uint U32(int offset) => Order == ByteOrder.Big
        ? BinaryPrimitives.ReadUInt32BigEndian(_data.Slice(offset, 4))
        : BinaryPrimitives.ReadUInt32LittleEndian(_data.Slice(offset, 4));

    public ulong U64(int offset) => Order == ByteOrder.Big
        ? BinaryPrimitives.ReadUInt64BigEndian(_data.Slice(offset, 8))
        : BinaryPrimitives.ReadUInt64LittleEndian(_data.Slice(offset, 8));

    public ReadOnlySpan<byte> Bytes(int offset, int count) => _data.Slice(offset, count);
}
