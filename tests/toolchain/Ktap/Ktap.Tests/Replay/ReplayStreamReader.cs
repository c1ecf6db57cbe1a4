using System.Buffers.Binary;
using System.Text;
using Ktap.Replay;

namespace Ktap.Tests.Replay;

/// <summary>One decoded event of the runner's stream, for assertions.</summary>
public sealed record StreamEvent(int Line, ulong Ts, long Pid, long Tid, long Uid, ulong Addr, uint Cpu,
    ReplayStream.Flags Flags, IReadOnlyList<(ReplayStream.ItemKind Kind, string Name, string Text, long Number)> Items);

/// <summary>Reads the stream the way ktapvm-run does (replay_stream.c), from the same generated offsets.</summary>
public static class ReplayStreamReader
{
    public static List<StreamEvent> Events(byte[] s)
    {
        Assert.Equal((uint)ReplayStream.Magic, BinaryPrimitives.ReadUInt32LittleEndian(s.AsSpan(ReplayStream.Header.Magic)));
        Assert.Equal((uint)ReplayStream.Version, BinaryPrimitives.ReadUInt32LittleEndian(s.AsSpan(ReplayStream.Header.Version)));
        var list = new List<StreamEvent>();
        int at = ReplayStream.HeaderBytes;
        while (at < s.Length)
        {
            var r = s.AsSpan(at);
            int size = (int)BinaryPrimitives.ReadUInt32LittleEndian(r[ReplayStream.Event.Size..]);
            int count = (int)BinaryPrimitives.ReadUInt32LittleEndian(r[ReplayStream.Event.Items..]);
            var items = new List<(ReplayStream.ItemKind, string, string, long)>();
            int i = ReplayStream.EventBytes;
            for (int k = 0; k < count; k++)
            {
                var it = r[i..];
                int nl = (int)BinaryPrimitives.ReadUInt32LittleEndian(it[ReplayStream.Item.NameLen..]);
                int tl = (int)BinaryPrimitives.ReadUInt32LittleEndian(it[ReplayStream.Item.TextLen..]);
                var name = Encoding.UTF8.GetString(it.Slice(ReplayStream.ItemBytes, nl));
                var text = Encoding.UTF8.GetString(it.Slice(ReplayStream.ItemBytes + nl + 1, tl));
                Assert.Equal(0, it[ReplayStream.ItemBytes + nl]);
                Assert.Equal(0, it[ReplayStream.ItemBytes + nl + 1 + tl]);
                items.Add(((ReplayStream.ItemKind)BinaryPrimitives.ReadUInt32LittleEndian(it[ReplayStream.Item.Kind..]), name, text,
                    BinaryPrimitives.ReadInt64LittleEndian(it[ReplayStream.Item.Number..])));
                i += ReplayStream.ItemBytes + nl + 1 + tl + 1;
            }
            Assert.Equal(size, i);
            list.Add(new StreamEvent((int)BinaryPrimitives.ReadUInt32LittleEndian(r[ReplayStream.Event.Line..]),
                BinaryPrimitives.ReadUInt64LittleEndian(r[ReplayStream.Event.Ts..]),
                BinaryPrimitives.ReadInt64LittleEndian(r[ReplayStream.Event.Pid..]),
                BinaryPrimitives.ReadInt64LittleEndian(r[ReplayStream.Event.Tid..]),
                BinaryPrimitives.ReadInt64LittleEndian(r[ReplayStream.Event.Uid..]),
                BinaryPrimitives.ReadUInt64LittleEndian(r[ReplayStream.Event.Addr..]),
                BinaryPrimitives.ReadUInt32LittleEndian(r[ReplayStream.Event.Cpu..]),
                (ReplayStream.Flags)BinaryPrimitives.ReadUInt32LittleEndian(r[ReplayStream.Event.Flags..]), items));
            at += size;
        }
        return list;
    }
}
