using System.Globalization;
using Ktap.Bundle;
using Ktap.Diagnostics;
using Ktap.Profiles;
using Ktap.Syntax;
using Ktap.Text;

namespace Ktap.Binding.Events;

/// <summary>
/// Reads the raw EVENTDEF text of a `trace` statement (language.md §3): splits it into
/// definitions at top-level commas, classifies each, checks names, globs and fetch-args
/// against the target, and reports problems at their exact column.
/// </summary>
public sealed class EventDefinitionBinder(TargetProfile target, DiagnosticBag diagnostics)
{
    private readonly FetchArgBinder _fetchArgs = new(target, diagnostics);

    public List<BoundEvent> Bind(Token events, Token? filter)
    {
        var result = new List<BoundEvent>();
        string? filterText = null;
        if (filter != null)
        {
            filterText = filter.Text.Trim();
            if (!filter.IsMissing) FilterChecker.Check(filter.Text, filter.Span.Start, diagnostics);
        }
        if (events.Span.Length == 0) return result;
        foreach (var (text, start) in SplitDefinitions(events.Text, events.Span.Start))
        {
            if (text.Length == 0)
            {
                diagnostics.Report(Messages.EmptyEventDefinition, new TextSpan(start, 1));
                continue;
            }
            var bound = BindOne(text, start, filterText);
            if (bound != null) result.Add(bound);
        }
        if (filter is { IsMissing: false }) CheckFilterFields(result, filter);
        return result;
    }

    // The fields of a probe and of ftrace:function are known now (filter.c reads them: the
    // fetch-arg names and ip; ip and parent_ip), so a filter naming another field, which
    // would match nothing on the board, is an error here. Tracepoints are checked at link time.
    private void CheckFilterFields(List<BoundEvent> events, Token filterToken)
    {
        if (events.Count == 0) return;
        var filter = filterToken.Text;
        var perEvent = new List<IReadOnlyList<string>>();
        foreach (var e in events)
        {
            IReadOnlyList<string>? fields = e.Kind switch
            {
                EventKind.Kprobe or EventKind.Kretprobe or EventKind.Uprobe or EventKind.Uretprobe => [.. e.FetchArgs.Select(f => f.Name), "ip"],
                EventKind.FtraceFunction => ["ip", "parent_ip"],
                EventKind.Watchpoint => ["ip"], // the accessing instruction (probes.c)
                _ => null,
            };
            if (fields is null) return; // a tracepoint (or an event without fields) in the same statement: link time decides
            perEvent.Add(fields);
        }
        foreach (var term in Ktap.Catalog.FilterTerms.Parse(filter))
        {
            if (Ktap.Catalog.FilterTerms.TaskFields.ContainsKey(term.Field)) continue;
            for (var i = 0; i < events.Count; i++)
            {
                if (perEvent[i].Contains(term.Field)) continue;
                var known = perEvent[i].Concat(Ktap.Catalog.FilterTerms.TaskFields.Keys).Distinct().ToList();
                var hint = Ktap.Catalog.Suggest.Closest(term.Field, known) is { } close ? $" (did you mean '{close}'?)" : "";
                var at = System.Text.RegularExpressions.Regex.Match(filter, $@"(?<![A-Za-z0-9_]){term.Field}(?![A-Za-z0-9_])").Index;
                var where = new TextSpan(filterToken.Span.Start + at, term.Field.Length);
                diagnostics.Report(Messages.NoSuchProbeFilterField, where, events[i].Spec.Split(' ')[0], term.Field, string.Join(", ", perEvent[i]), hint);
                break;
            }
        }
    }

    /// <summary>Definitions separated by commas outside parentheses, trimmed, with their absolute start.</summary>
    private static IEnumerable<(string Text, int Start)> SplitDefinitions(string text, int basePosition)
    {
        int depth = 0, segStart = 0;
        for (int i = 0; i <= text.Length; i++)
        {
            char c = i < text.Length ? text[i] : ',';
            if (c == '(') depth++;
            else if (c == ')') depth = Math.Max(0, depth - 1);
            else if (c == ',' && depth == 0)
            {
                int s = segStart, e = i;
                while (s < e && char.IsWhiteSpace(text[s])) s++;
                while (e > s && char.IsWhiteSpace(text[e - 1])) e--;
                yield return (text[s..e], basePosition + (s < text.Length ? s : Math.Max(0, text.Length - 1)));
                segStart = i + 1;
            }
        }
    }

    private static List<(string Text, int Start)> Words(string text, int basePosition)
    {
        var words = new List<(string, int)>();
        int i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            int s = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i])) i++;
            if (i > s) words.Add((text[s..i], basePosition + s));
        }
        return words;
    }

    private BoundEvent? BindOne(string text, int start, string? filter)
    {
        var words = Words(text, start);
        var (spec, specStart) = words[0];
        var fetchWords = words.Skip(1).ToList();
        int colon = spec.IndexOf(':');
        if (colon <= 0)
        {
            diagnostics.Report(Messages.UnknownEventKind, new TextSpan(specStart, spec.Length), spec);
            return null;
        }
        var prefix = spec[..colon];
        var rest = spec[(colon + 1)..];
        int restStart = specStart + colon + 1;
        switch (prefix)
        {
            case "probe":
                return rest.StartsWith('/')
                    ? UserProbe(text, rest, restStart, fetchWords, filter, allowReturnSuffix: true, forcedReturn: false)
                    : KernelProbe(text, rest, restStart, fetchWords, filter, forcedReturn: false);
            case "kprobe":
            case "kretprobe":
                return KernelProbe(text, rest, restStart, fetchWords, filter, forcedReturn: prefix == "kretprobe");
            case "uprobe":
            case "uretprobe":
                return UserProbe(text, rest, restStart, fetchWords, filter, allowReturnSuffix: prefix == "uprobe", forcedReturn: prefix == "uretprobe");
            case "sdt":
            {
                // sdt:/path:MARKER or sdt:/path:PROVIDER:MARKER: the path ends at its first ':'
                int pathEnd = rest.IndexOf(':');
                if (!rest.StartsWith('/') || pathEnd <= 1) { diagnostics.Report(Messages.UnknownEventKind, new TextSpan(specStart, spec.Length), spec); return null; }
                var path = rest[..pathEnd];
                var names = rest[(pathEnd + 1)..];
                int second = names.IndexOf(':');
                if (second >= 0) CheckGlob(names[..second], restStart + pathEnd + 1, allowDot: true);
                CheckGlob(names[(second + 1)..], restStart + pathEnd + 2 + second, allowDot: true);
                NoFetchArgs("sdt", fetchWords);
                return new BoundEvent(EventKind.Sdt, text, path, filter, 0, Array.Empty<FetchArgModel>());
            }
            case "software":
            case "hardware":
                NoFetchArgs(prefix, fetchWords);
                return PerfCounter.Bind(text, prefix, rest, restStart, filter, diagnostics);
            case Watchpoint.Prefix:
                NoFetchArgs(prefix, fetchWords);
                return Watchpoint.Bind(text, rest, restStart, filter, target, diagnostics);
            case "ftrace":
                if (rest != "function") { diagnostics.Report(Messages.UnknownEventKind, new TextSpan(specStart, spec.Length), spec); return null; }
                NoFetchArgs("ftrace", fetchWords);
                return new BoundEvent(EventKind.FtraceFunction, text, null, filter, 0, Array.Empty<FetchArgModel>());
        }
        // SUBSYS:EVENT tracepoint, globs allowed on both sides.
        CheckGlob(prefix, specStart, allowDot: false);
        CheckGlob(rest, restStart, allowDot: false);
        NoFetchArgs("tracepoint", fetchWords);
        return new BoundEvent(EventKind.Tracepoint, text, spec, filter, 0, Array.Empty<FetchArgModel>());
    }

    private void NoFetchArgs(string kind, List<(string Text, int Start)> words)
    {
        if (words.Count == 0) return;
        var last = words[^1];
        diagnostics.Report(Messages.FetchArgsNotAllowed, TextSpan.FromBounds(words[0].Start, last.Start + last.Text.Length), kind);
    }

    private BoundEvent? KernelProbe(string spec, string rest, int restStart, List<(string Text, int Start)> fetchWords, string? filter, bool forcedReturn)
    {
        bool isReturn = forcedReturn;
        var symbol = rest;
        int pct = symbol.IndexOf("%return", StringComparison.Ordinal);
        if (pct >= 0 && pct + 7 == symbol.Length) { isReturn = true; symbol = symbol[..pct]; }
        ulong offset = 0;
        int plus = symbol.IndexOf('+');
        if (plus >= 0)
        {
            var offText = symbol[(plus + 1)..];
            if (!TryParseOffset(offText, out offset))
                diagnostics.Report(Messages.BadProbeOffset, new TextSpan(restStart + plus, symbol.Length - plus), "+" + offText);
            symbol = symbol[..plus];
        }
        CheckGlob(symbol, restStart, allowDot: true);
        var fetch = _fetchArgs.Bind(fetchWords, isReturn, userSpace: false);
        return new BoundEvent(isReturn ? EventKind.Kretprobe : EventKind.Kprobe, spec, symbol, filter, offset, fetch);
    }

    private BoundEvent? UserProbe(string spec, string rest, int restStart, List<(string Text, int Start)> fetchWords, string? filter, bool allowReturnSuffix, bool forcedReturn)
    {
        var (path, symbol, symbolStart) = SplitPath(rest, restStart);
        if (path == null)
        {
            diagnostics.Report(Messages.UnknownEventKind, new TextSpan(restStart, Math.Max(1, rest.Length)), spec.Split(' ')[0]);
            return null;
        }
        bool isReturn = forcedReturn;
        int pct = symbol.IndexOf("%return", StringComparison.Ordinal);
        if (allowReturnSuffix && pct >= 0 && pct + 7 == symbol.Length) { isReturn = true; symbol = symbol[..pct]; }
        ulong offset = 0;
        if (symbol.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || (symbol.Length > 0 && char.IsAsciiDigit(symbol[0])))
        {
            if (!TryParseOffset(symbol, out offset))
                diagnostics.Report(Messages.BadProbeOffset, new TextSpan(symbolStart, Math.Max(1, symbol.Length)), symbol);
        }
        // A glob is expanded when the script is linked for a board, from the file's symbols
        // (UprobeGlob in ktap's linker): one uprobe per matching function.
        else CheckGlob(symbol, symbolStart, allowDot: true);
        var fetch = _fetchArgs.Bind(fetchWords, isReturn, userSpace: true);
        return new BoundEvent(isReturn ? EventKind.Uretprobe : EventKind.Uprobe, spec, path, filter, offset, fetch);
    }

    /// <summary>`/path/to/elf:SYMBOL` split at the last ':'; path null when there is none.</summary>
    private static (string? Path, string Symbol, int SymbolStart) SplitPath(string text, int start)
    {
        int colon = text.LastIndexOf(':');
        if (!text.StartsWith('/') || colon <= 1) return (null, "", start);
        return (text[..colon], text[(colon + 1)..], start + colon + 1);
    }

    private static bool TryParseOffset(string text, out ulong value)
    {
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value) && text.Length > 2;
        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private void CheckGlob(string name, int start, bool allowDot)
    {
        bool ok = name.Length > 0;
        foreach (char c in name)
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || c == '*' || c == '?' || (allowDot && c == '.'))) { ok = false; break; }
        if (!ok) diagnostics.Report(Messages.BadGlob, new TextSpan(start, Math.Max(1, name.Length)), name);
    }
}
