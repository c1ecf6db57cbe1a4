using Ktap.Diagnostics;
using Ktap.Text;

namespace Ktap.Syntax;

/// <summary>
/// bpftrace's probe syntax where a ktap statement should start (`kprobe:f { }`, `BEGIN { }`,
/// `END { }`): one diagnostic with the ktap spelling instead of a generic parse error, then the
/// probe and its block are skipped as a unit. Only recognised when the name is glued to its ':'
/// and followed by its block, a /predicate/ or another probe (BEGIN/END by '{'), so a ktap method
/// call `obj:method()` is never taken for one.
/// </summary>
public sealed partial class Parser
{
    private static readonly HashSet<string> ProbeKinds = new(StringComparer.Ordinal)
    {
        "kprobe", "kretprobe", "uprobe", "uretprobe", "tracepoint", "rawtracepoint", "usdt",
        "interval", "software", "hardware", "kfunc", "kretfunc", "fentry", "fexit", "watchpoint",
    };

    /// <summary>At a name: the probe text and the ktap spelling when this is a bpftrace probe, else null.</summary>
    private (string Text, string Hint, int End)? BpftraceProbe()
    {
        var text = _source.Text;
        int start = _current.Span.Start, after = _current.Span.End;
        string name = _current.Text;
        if (name is "BEGIN" or "END")
        {
            int j = after;
            while (j < text.Length && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r' || text[j] == '\n')) j++;
            if (j >= text.Length || text[j] != '{') return null;
            return name == "BEGIN"
                ? (name, "the statements at the top level of a script run once before the probes are armed: write them outside any block", after)
                : (name, "write trace_end { ... }", after);
        }
        if (!ProbeKinds.Contains(name) || after >= text.Length || text[after] != ':' ||
            (after + 1 < text.Length && text[after + 1] == ':'))
            return null;
        int end = after;
        while (end < text.Length && !char.IsWhiteSpace(text[end]) && text[end] != '{') end++;
        string probe = text[start..end];
        int next = end;
        while (next < text.Length && char.IsWhiteSpace(text[next])) next++;
        // a probe is followed by its block, a /predicate/ or another probe; `obj:method(...)` is not
        if (probe.Contains('(') || !(probe.EndsWith(',') || (next < text.Length && "{/,".Contains(text[next]))))
            return null;
        string rest = text[(after + 1)..end];
        string hint = name switch
        {
            "kprobe" or "kretprobe" or "uprobe" or "uretprobe" => $"write trace {probe} {{ ... }}",
            "tracepoint" => $"write trace {rest} {{ ... }}",
            "usdt" => $"write trace sdt:{rest} {{ ... }}",
            "interval" when rest.Split(':') is [var unit, var n] => $"write tick-{n}{unit} {{ ... }}",
            "interval" => "write tick-N { ... } with a unit, e.g. tick-1s",
            "software" or "hardware" or "watchpoint" => $"write trace {probe} {{ ... }}",
            _ => "this kind of probe does not exist; ktap traces tracepoints (trace SUBSYS:EVENT), kprobes (trace kprobe:FUNC) and uprobes (trace uprobe:/path:SYMBOL)",
        };
        return (probe, hint, end);
    }

    private Stmt? SkipBpftraceProbe(int start, (string Text, string Hint, int End) probe)
    {
        ReportOnce(Messages.BpftraceProbe, TextSpan.FromBounds(start, probe.End), probe.Text, probe.Hint);
        _lexer.Position = probe.End;
        _current = NextNonBad();
        // a bpftrace predicate /.../ and the action block go with it
        while (_current.Kind is not (TokenKind.OpenBrace or TokenKind.EndOfFile) && !StartsStatementAfterProbe(_current.Kind))
            Advance();
        if (_current.Kind == TokenKind.OpenBrace) ParseBlock();
        return null;
    }

    private static bool StartsStatementAfterProbe(TokenKind k) =>
        k is TokenKind.Trace or TokenKind.TraceEnd or TokenKind.Tick or TokenKind.Profile or TokenKind.Function;
}
