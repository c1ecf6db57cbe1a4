using System.Globalization;
using System.Text;
using Ktap.Catalog;

namespace Ktap.Output.Events;

/// <summary>Turns an event as the module renders it into the line ftrace's trace file would show for it.</summary>
public interface IEventLines
{
    /// <summary>The ftrace line for <paramref name="rendered"/>, or null to keep it as it came.</summary>
    string? Line(string rendered);
}

/// <summary>
/// `argevent` of a tracepoint as ftrace prints it (the part of a `trace` line after the
/// timestamp): the module sends the event's fields ("sched_switch: prev_comm=bash prev_pid=12 ...",
/// kernel/tracepoint.c), and the host applies the event's print fmt from the board's catalog.
/// System-call events print as ftrace's own syscall printer does ("sys_openat(dfd: ffffff9c, ...)",
/// "sys_openat -> 0x3"). An event whose print fmt is outside <see cref="PrintFmt"/>'s subset,
/// or whose fields do not parse, keeps the module's text.
/// </summary>
public sealed class EventLines : IEventLines
{
    private readonly Dictionary<string, List<Entry>> _byName = new(StringComparer.Ordinal);
    private readonly int _wordBits;

    private sealed record Entry(string Subsystem, IReadOnlyList<EventField> Fields, string? PrintFmtText)
    {
        public PrintFmt? Parsed;
        public bool Tried;
    }

    /// <param name="fields">The catalog's fields per "subsys:event".</param>
    /// <param name="printFmts">"subsys:event" → the text after "print fmt: ".</param>
    public EventLines(IReadOnlyDictionary<string, IReadOnlyList<EventField>> fields, IReadOnlyDictionary<string, string> printFmts, int wordBits)
    {
        _wordBits = wordBits;
        foreach (var (key, list) in fields)
        {
            var colon = key.IndexOf(':');
            if (colon <= 0) continue;
            var name = key[(colon + 1)..];
            var own = list.Where(f => !f.Name.StartsWith("common_", StringComparison.Ordinal)).ToList();
            if (!_byName.TryGetValue(name, out var entries)) _byName[name] = entries = new List<Entry>();
            entries.Add(new Entry(key[..colon], own, printFmts.GetValueOrDefault(key)));
        }
    }

    /// <summary>Parses `grep -H 'print fmt:' */*/format` output: "subsys/event/format:print fmt: ..." lines.</summary>
    public static Dictionary<string, string> ParsePrintFmts(string grepOutput)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in grepOutput.Split('\n'))
        {
            const string marker = ":print fmt: ";
            var at = line.IndexOf(marker, StringComparison.Ordinal);
            if (at <= 0) continue;
            var path = line[..at].Split('/');
            if (path.Length != 3 || path[2] != "format") continue;
            map[$"{path[0]}:{path[1]}"] = line[(at + marker.Length)..].TrimEnd('\r');
        }
        return map;
    }

    public string? Line(string rendered)
    {
        // The module cuts a rendering at 511 bytes: the last field may be cut short.
        if (rendered.Length >= 511) return null;
        var colon = rendered.IndexOf(':');
        if (colon <= 0 || !_byName.TryGetValue(rendered[..colon], out var entries)) return null;
        var name = rendered[..colon];
        foreach (var e in entries)
        {
            var values = Values(rendered[(colon + 1)..], e.Fields);
            if (values is null) continue;
            if (e.Subsystem == "syscalls") return Syscall(name, e.Fields, values);
            if (!e.Tried) { e.Parsed = e.PrintFmtText is null ? null : PrintFmt.Parse(e.PrintFmtText); e.Tried = true; }
            if (e.Parsed?.Apply(f => values.GetValueOrDefault(f), _wordBits) is { } text) return $"{name}: {text}";
            return null;
        }
        return null;
    }

    // " f1=v1 f2=v2 ..." with the fields in format order (the module leaves out the ones it
    // cannot show): a value runs up to the next field's " name=". Null if a field is unknown.
    private static Dictionary<string, object>? Values(string text, IReadOnlyList<EventField> fields)
    {
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        int pos = 0, k = 0;
        while (pos < text.Length)
        {
            int found = -1;
            for (int j = k; j < fields.Count && found < 0; j++)
                if (string.CompareOrdinal(text, pos, " " + fields[j].Name + "=", 0, fields[j].Name.Length + 2) == 0) found = j;
            if (found < 0) return null;
            int start = pos + fields[found].Name.Length + 2, end = text.Length;
            for (int j = found + 1; j < fields.Count && end == text.Length; j++)
            {
                var at = text.IndexOf(" " + fields[j].Name + "=", start, StringComparison.Ordinal);
                if (at >= 0) end = at;
            }
            var raw = text[start..end];
            values[fields[found].Name] = IsString(fields[found].Declaration) || !long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
                ? raw : n;
            pos = end;
            k = found + 1;
        }
        return values;
    }

    private static bool IsString(string declaration) => declaration.Contains("char[", StringComparison.Ordinal) || declaration.Contains("char [", StringComparison.Ordinal);

    // kernel/trace/trace_syscalls.c: "sys_NAME(arg: %lx, ...)" and "sys_NAME -> 0x%lx".
    private string? Syscall(string name, IReadOnlyList<EventField> fields, Dictionary<string, object> values)
    {
        string Hex(object v) => v is long n ? ((ulong)PrintFmt.Truncate(n, _wordBits, false)).ToString("x", CultureInfo.InvariantCulture) : throw new FormatException();
        try
        {
            if (name.StartsWith("sys_enter_", StringComparison.Ordinal))
            {
                var args = fields.Where(f => f.Name != "__syscall_nr")
                    .Select(f => values.TryGetValue(f.Name, out var v) ? $"{f.Name}: {Hex(v)}" : throw new FormatException());
                return $"sys_{name["sys_enter_".Length..]}({string.Join(", ", args)})";
            }
            if (name.StartsWith("sys_exit_", StringComparison.Ordinal) && values.TryGetValue("ret", out var ret))
                return $"sys_{name["sys_exit_".Length..]} -> 0x{Hex(ret)}";
        }
        catch (FormatException)
        {
        }
        return null;
    }
}
