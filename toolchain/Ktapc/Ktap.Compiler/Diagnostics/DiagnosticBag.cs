using Ktap.Text;

namespace Ktap.Diagnostics;

/// <summary>Collects the diagnostics of one compilation, each located in its source text.</summary>
public sealed class DiagnosticBag
{
    // A run over junk input could report one error per character; past this many the rest
    // add nothing for the reader and only cost time.
    public const int MaxDiagnostics = 200;

    private readonly List<(int Position, Diagnostic Diagnostic)> _items = new();
    private readonly SourceText _source;

    public DiagnosticBag(SourceText source) => _source = source;

    public int ErrorCount { get; private set; }
    public bool HasErrors => ErrorCount > 0;
    public int Count => _items.Count;
    public bool Truncated { get; private set; }

    public void Report(MessageDescriptor message, TextSpan span, params object?[] args)
    {
        if (message.Severity == DiagnosticSeverity.Error) ErrorCount++;
        if (_items.Count >= MaxDiagnostics) { Truncated = true; return; }
        int start = Math.Clamp(span.Start, 0, _source.Length);
        int end = Math.Clamp(Math.Max(span.End, start + 1), 0, Math.Max(_source.Length, start + 1));
        var (line, column) = _source.GetLineColumn(start);
        var (endLine, endColumn) = end > _source.Length
            ? (line, column + 1)
            : _source.GetLineColumn(end);
        _items.Add((start, new Diagnostic(message.Code, message.Severity, message.Render(args),
            _source.FileName, line, column, endLine, endColumn)));
    }

    /// <summary>Every diagnostic, sorted by position (stable for equal positions).</summary>
    public IReadOnlyList<Diagnostic> ToSortedList(bool warningsAsErrors = false)
    {
        var sorted = _items.Select((x, i) => (x.Position, i, x.Diagnostic))
            .OrderBy(x => x.Position).ThenBy(x => x.i)
            .Select(x => warningsAsErrors && !x.Diagnostic.IsError ? x.Diagnostic with { Severity = DiagnosticSeverity.Error } : x.Diagnostic)
            .ToList();
        if (Truncated)
        {
            var last = _source.GetLineColumn(_source.Length);
            sorted.Add(new Diagnostic(Messages.TooManyDiagnostics.Code, DiagnosticSeverity.Error,
                Messages.TooManyDiagnostics.Render(new object?[] { MaxDiagnostics }), _source.FileName, last.Line, last.Column, last.Line, last.Column + 1));
        }
        return sorted;
    }
}
