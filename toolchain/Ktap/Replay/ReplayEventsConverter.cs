using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Ktap.Replay;

/// <summary>A replay file's line that cannot be an event: its line number, column (1-based, when the JSON is malformed) and why.</summary>
public sealed record ReplayLineError(int Line, int? Column, string Message)
{
    /// <summary>FILE:LINE[:COLUMN]: message, as compilers write it.</summary>
    public string Format(string file) => Column is int c ? $"{file}:{Line}:{c}: {Message}" : $"{file}:{Line}: {Message}";
}

/// <summary>
/// Reads a replay file (JSON lines, docs/replay-format.md) with System.Text.Json, checks each
/// line, and writes the stream ktapvm-run reads (runtime/ktapvm/ktap_replay_stream.def). It
/// stops at the first bad line and returns it; the events before it are written, so the
/// replay still runs them, as a board would have until then.
/// </summary>
public static class ReplayEventsConverter
{
    public const int MaxFields = 32, MaxStack = 16, MaxStrings = 16, CommBytes = 15;
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 8 };
    private static readonly string[] ProbePrefixes = ["kprobe:", "kretprobe:", "uprobe:", "uretprobe:", "sdt:"];

    /// <summary>Converts the lines of <paramref name="lines"/> into <paramref name="output"/>; null when every line is good.</summary>
    public static ReplayLineError? Convert(IEnumerable<string> lines, Stream output)
    {
        var header = new byte[ReplayStream.HeaderBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(ReplayStream.Header.Magic), ReplayStream.Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(ReplayStream.Header.Version), ReplayStream.Version);
        output.Write(header);
        int lineNo = 0;
        foreach (var line in lines)
        {
            lineNo++;
            var trimmed = line.TrimStart(' ', '\t', '\r');
            if (trimmed.Length == 0 || trimmed[0] == '#') continue; // blank lines and comments
            JsonDocument doc;
            try { doc = JsonDocument.Parse(line, Options); }
            catch (JsonException e)
            {
                return new ReplayLineError(lineNo, (int)(e.BytePositionInLine ?? 0) + 1, Plain(e.Message));
            }
            using (doc)
            {
                var writer = new EventWriter(lineNo);
                var message = Read(doc.RootElement, writer);
                if (message is not null) return new ReplayLineError(lineNo, null, message);
                writer.WriteTo(output);
            }
        }
        return null;
    }

    // System.Text.Json's message without its "LineNumber: 0 | BytePositionInLine: N." tail (the column says it).
    private static string Plain(string message)
    {
        int at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (at > 0 ? message[..at] : message).TrimEnd();
    }

    private static string? Read(JsonElement root, EventWriter w)
    {
        if (root.ValueKind != JsonValueKind.Object) return "an event is a JSON object";
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in root.EnumerateObject())
            if (!seen.Add(p.Name)) return $"\"{p.Name}\" appears twice";

        if (!root.TryGetProperty("event", out var ev) || ev.ValueKind != JsonValueKind.String || ev.GetString()!.Length == 0)
            return "missing \"event\" (a string such as \"sched:sched_switch\")";
        var evName = ev.GetString()!;
        if (evName.Contains('\0')) return "\"event\" must not contain a NUL character";
        w.Item(ReplayStream.ItemKind.Event, evName, null, 0);

        if (!root.TryGetProperty("ts", out var ts) || !TryInt(ts, out long t) || t < 0)
            return "missing or bad \"ts\" (nanoseconds, a non-negative integer)";
        w.Ts = (ulong)t;

        if (Optional(root, "cpu", out var cpu))
        {
            if (!TryInt(cpu, out long c)) return "\"cpu\" must be an integer";
            if (c is < 0 or > 255) return $"\"cpu\" must be 0..255, not {c}";
            w.Cpu = (uint)c;
        }
        foreach (var (key, set) in new (string, Action<long>)[] { ("pid", v => w.Pid = v), ("tid", v => w.Tid = v), ("uid", v => w.Uid = v) })
        {
            if (!Optional(root, key, out var v)) continue;
            if (!TryInt(v, out long n)) return $"\"{key}\" must be an integer";
            set(n);
        }
        if (!Optional(root, "tid", out _)) w.Tid = w.Pid; // documented default: tid = pid
        foreach (var (key, flag) in new[] { ("in_interrupt", ReplayStream.Flags.InInterrupt), ("in_iowait", ReplayStream.Flags.InIowait) })
        {
            if (!Optional(root, key, out var v)) continue;
            if (v.ValueKind == JsonValueKind.True || (TryInt(v, out long b) && b == 1)) w.Flags |= flag;
            else if (!(v.ValueKind == JsonValueKind.False || (TryInt(v, out b) && b == 0))) return $"\"{key}\" must be 0 or 1 (or false/true)";
        }
        if (Optional(root, "comm", out var comm))
        {
            if (comm.ValueKind != JsonValueKind.String) return "\"comm\" must be a string";
            // the kernel's comm is 15 bytes and a NUL: longer names are cut as the kernel cuts them
            var bytes = Encoding.UTF8.GetBytes(comm.GetString()!);
            w.Item(ReplayStream.ItemKind.Comm, null, bytes.AsSpan(0, Math.Min(bytes.Length, CommBytes)).ToArray(), 0);
        }
        if (Optional(root, "fields", out var fields))
        {
            if (fields.ValueKind != JsonValueKind.Object) return $"\"fields\" must be an object of at most {MaxFields} fields";
            var names = new HashSet<string>(StringComparer.Ordinal);
            int n = 0;
            foreach (var f in fields.EnumerateObject())
            {
                if (++n > MaxFields) return $"\"fields\" must be an object of at most {MaxFields} fields";
                if (!names.Add(f.Name)) return $"field \"{f.Name}\" appears twice";
                if (f.Name.Length == 0 || f.Name.Contains('\0')) return "a field name must be a non-empty string without NUL characters";
                switch (f.Value.ValueKind)
                {
                    case JsonValueKind.String: w.Item(ReplayStream.ItemKind.FieldString, f.Name, Encoding.UTF8.GetBytes(f.Value.GetString()!), 0); break;
                    case JsonValueKind.Null: w.Item(ReplayStream.ItemKind.FieldNil, f.Name, null, 0); break;
                    case JsonValueKind.Number when TryInt(f.Value, out long v): w.Item(ReplayStream.ItemKind.FieldNumber, f.Name, null, v); break;
                    default: return $"field \"{f.Name}\" must be an integer (-2^63..2^63-1), a string or null, not {Describe(f.Value)}";
                }
            }
        }
        // "addr" means something only for probe events (arg1, backtrace-style naming)
        if (ProbePrefixes.Any(p => evName.StartsWith(p, StringComparison.Ordinal)) && Optional(root, "addr", out var addr))
        {
            if (!TryAddress(addr, out ulong a)) return "\"addr\" must be an integer or an address string such as \"0xffffffff81234560\"";
            w.Addr = a;
            w.Flags |= ReplayStream.Flags.HasAddr;
        }
        if (Optional(root, "stack", out var stack))
        {
            if (stack.ValueKind != JsonValueKind.Array || stack.GetArrayLength() > MaxStack)
                return $"\"stack\" must be an array of at most {MaxStack} symbol names";
            foreach (var s in stack.EnumerateArray())
            {
                if (s.ValueKind != JsonValueKind.String || s.GetString()!.Length == 0 || s.GetString()!.Contains('\0'))
                    return "\"stack\" entries must be symbol names (non-empty strings)";
                w.Item(ReplayStream.ItemKind.Stack, s.GetString()!, null, 0);
            }
        }
        if (Optional(root, "strings", out var strings))
        {
            if (strings.ValueKind != JsonValueKind.Object) return $"\"strings\" must be an object of at most {MaxStrings} addresses";
            int n = 0;
            foreach (var s in strings.EnumerateObject())
            {
                if (++n > MaxStrings) return $"\"strings\" must be an object of at most {MaxStrings} addresses";
                if (!TryParseAddress(s.Name, out ulong a) || s.Value.ValueKind != JsonValueKind.String)
                    return $"\"strings\": key \"{s.Name}\" must be an address (decimal or 0x hex), its value a string";
                w.Item(ReplayStream.ItemKind.StringAt, null, Encoding.UTF8.GetBytes(s.Value.GetString()!), unchecked((long)a));
            }
        }
        return null;
    }

    private static bool Optional(JsonElement root, string key, out JsonElement value) => root.TryGetProperty(key, out value);

    // integers only: 1.0 and 1e3 are refused, as the format says
    private static bool TryInt(JsonElement e, out long v)
    {
        v = 0;
        if (e.ValueKind != JsonValueKind.Number) return false;
        var raw = e.GetRawText();
        return raw.IndexOfAny(['.', 'e', 'E']) < 0 && e.TryGetInt64(out v);
    }

    private static bool TryAddress(JsonElement e, out ulong a)
    {
        a = 0;
        if (e.ValueKind == JsonValueKind.String) return TryParseAddress(e.GetString()!, out a);
        if (TryInt(e, out long s)) { a = unchecked((ulong)s); return true; }
        return e.ValueKind == JsonValueKind.Number && e.GetRawText().IndexOfAny(['.', 'e', 'E', '-']) < 0 && e.TryGetUInt64(out a);
    }

    private static bool TryParseAddress(string s, out ulong a)
    {
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return ulong.TryParse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out a) && s.Length > 2;
        return ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out a);
    }

    private static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => e.GetRawText(),
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => e.ValueKind.ToString(),
    };

    /// <summary>One event record: the fixed header of the .def, then its items.</summary>
    private sealed class EventWriter(int line)
    {
        private readonly MemoryStream _items = new();
        private int _count;
        public ulong Ts, Addr;
        public long Pid, Tid, Uid;
        public uint Cpu;
        public ReplayStream.Flags Flags;

        public void Item(ReplayStream.ItemKind kind, string? name, byte[]? text, long number)
        {
            var n = name is null ? [] : Encoding.UTF8.GetBytes(name);
            var t = text ?? [];
            var h = new byte[ReplayStream.ItemBytes];
            BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(ReplayStream.Item.Kind), (uint)kind);
            BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(ReplayStream.Item.NameLen), (uint)n.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(ReplayStream.Item.TextLen), (uint)t.Length);
            BinaryPrimitives.WriteInt64LittleEndian(h.AsSpan(ReplayStream.Item.Number), number);
            _items.Write(h);
            _items.Write(n); _items.WriteByte(0);
            _items.Write(t); _items.WriteByte(0);
            _count++;
        }

        public void WriteTo(Stream output)
        {
            var h = new byte[ReplayStream.EventBytes];
            BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(ReplayStream.Event.Size), (uint)(h.Length + _items.Length));
            BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(ReplayStream.Event.Line), (uint)line);
            BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(ReplayStream.Event.Ts), Ts);
            BinaryPrimitives.WriteInt64LittleEndian(h.AsSpan(ReplayStream.Event.Pid), Pid);
            BinaryPrimitives.WriteInt64LittleEndian(h.AsSpan(ReplayStream.Event.Tid), Tid);
            BinaryPrimitives.WriteInt64LittleEndian(h.AsSpan(ReplayStream.Event.Uid), Uid);
            BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(ReplayStream.Event.Addr), Addr);
            BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(ReplayStream.Event.Cpu), Cpu);
            BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(ReplayStream.Event.Flags), (uint)Flags);
            BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(ReplayStream.Event.Items), (uint)_count);
            output.Write(h);
            _items.Position = 0;
            _items.CopyTo(output);
        }
    }
}
