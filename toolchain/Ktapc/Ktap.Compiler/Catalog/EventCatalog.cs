namespace Ktap.Catalog;

/// <summary>One field of a tracepoint's format file.</summary>
public sealed record EventField(string Name, string Declaration);

/// <summary>
/// A board's tracepoints and their fields, built from `grep -H field: events/*/*/format`
/// run in tracefs (one SSH round trip), and its probe-able kernel functions.
/// </summary>
public sealed class EventCatalog
{
    public EventCatalog(IReadOnlyDictionary<string, IReadOnlyList<EventField>> events, IReadOnlyList<string> functions)
    {
        Events = events;
        Functions = functions;
    }

    /// <summary>"subsys:event" → fields in file order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<EventField>> Events { get; }
    public IReadOnlyList<string> Functions { get; }

    /// <summary>Parses grep output lines "subsys/event/format:\tfield:TYPE NAME;\toffset:..".</summary>
    public static Dictionary<string, IReadOnlyList<EventField>> ParseFormats(string grepOutput)
    {
        var events = new Dictionary<string, List<EventField>>(StringComparer.Ordinal);
        foreach (var line in grepOutput.Split('\n'))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0) continue;
            var path = line[..colon].Split('/');
            if (path.Length != 3 || path[2] != "format") continue;
            var name = $"{path[0]}:{path[1]}";
            var rest = line[(colon + 1)..].Trim();
            if (!rest.StartsWith("field:", StringComparison.Ordinal)) continue;
            var semi = rest.IndexOf(';');
            if (semi < 0) continue;
            var declaration = rest["field:".Length..semi].Trim();
            var fieldName = FieldName(declaration);
            if (fieldName.Length == 0) continue;
            if (!events.TryGetValue(name, out var list)) events[name] = list = new List<EventField>();
            list.Add(new EventField(fieldName, declaration));
        }
        return events.ToDictionary(e => e.Key, e => (IReadOnlyList<EventField>)e.Value, StringComparer.Ordinal);
    }

    /// <summary>"char prev_comm[16]" → prev_comm; "__data_loc char[] name" → name; "const char * p" → p.</summary>
    internal static string FieldName(string declaration)
    {
        var d = declaration;
        var bracket = d.LastIndexOf('[');
        if (bracket > 0 && d.EndsWith(']')) d = d[..bracket];
        var tokens = d.Split([' ', '\t', '*'], StringSplitOptions.RemoveEmptyEntries);
        return tokens.Length == 0 ? "" : tokens[^1];
    }

    /// <summary>Functions from available_filter_functions ("name [module]" lines, duplicates dropped).</summary>
    public static List<string> ParseFunctions(string text) =>
        text.Split('\n').Select(l => l.Split(' ', '\t')[0].Trim()).Where(l => l.Length > 0).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The events a tracepoint spec ("sched:sched_switch", "syscalls:sys_enter_*") names.</summary>
    public IReadOnlyList<string> Match(string pattern) =>
        Events.Keys.Where(k => Glob.Matches(pattern, k)).Order(StringComparer.Ordinal).ToList();
}

/// <summary>Shell-style * and ? matching (what ktap event specs use).</summary>
public static class Glob
{
    public static bool Matches(string pattern, string text)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t])) { p++; t++; }
            else if (p < pattern.Length && pattern[p] == '*') { star = p++; mark = t; }
            else if (star >= 0) { p = star + 1; t = ++mark; }
            else return false;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}
