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
    public int Count => ErrorCount + WarningCount;
    public bool Truncated { get; private set; }

    public int WarningCount { get; private set; }
    public bool WarningsTruncated { get; private set; }

    public void Report(MessageDescriptor message, TextSpan span, params object?[] args)
    {
        // Errors and warnings have separate caps, so a flood of warnings never hides an error.
        if (message.Severity == DiagnosticSeverity.Error)
        {
            if (++ErrorCount > MaxDiagnostics) { Truncated = true; return; }
        }
        else if (++WarningCount > MaxDiagnostics) { WarningsTruncated = true; return; }
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
        var last = _source.GetLineColumn(_source.Length);
        foreach (var (cut, message) in new[] { (Truncated, Messages.TooManyDiagnostics), (WarningsTruncated, Messages.TooManyWarnings) })
            if (cut)
                sorted.Add(new Diagnostic(message.Code, warningsAsErrors ? DiagnosticSeverity.Error : message.Severity,
                    message.Render(new object?[] { MaxDiagnostics }), _source.FileName, last.Line, last.Column, last.Line, last.Column + 1));
        return sorted;
    }
}
