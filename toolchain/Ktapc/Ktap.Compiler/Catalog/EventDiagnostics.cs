using System.Text.RegularExpressions;
using Ktap.Diagnostics;

namespace Ktap.Catalog;

/// <summary>
/// Turns <see cref="EventProblem"/>s (which name events by their text, as the bundle keeps no
/// source positions) into diagnostics with a span: the first place in the script, outside a
/// comment, where the tracepoint spec or the `args.NAME` read is written.
/// </summary>
public static class EventDiagnostics
{
    public static IReadOnlyList<Diagnostic> From(IEnumerable<EventProblem> problems, string file, string source, string board) =>
        problems.Select(p => From(p, file, source, board)).ToList();

    private static Diagnostic From(EventProblem problem, string file, string source, string board)
    {
        // The filter's problems point at the field in the /FILTER/ (a word not in a string).
        var filterField = $@"(?<![\w""])(?<name>{Regex.Escape(problem.Subject)})\s*(==|!=|<=|>=|<|>|&|~)";
        var (descriptor, args, pattern) = problem.Kind switch
        {
            EventProblemKind.UnknownTracepoint => (Messages.NoSuchTracepoint, new object?[] { problem.Subject, board, problem.DidYouMean },
                // The spec as written: not part of a longer name (sched:sched_switch vs sched:sched_switch2).
                $@"(?<![\w:*?]){Regex.Escape(problem.Subject)}(?![\w*?])"),
            EventProblemKind.UnknownField => (Messages.NoSuchBoardEventField, new object?[] { problem.Events, board, problem.Subject, problem.DidYouMean },
                $@"\bargs\s*\.\s*(?<name>{Regex.Escape(problem.Subject)})\b"),
            EventProblemKind.UnknownFilterField => (Messages.NoSuchFilterField, new object?[] { problem.Events, board, problem.Subject, problem.DidYouMean }, filterField),
            EventProblemKind.FilterStringOnPointer => (Messages.FilterStringOnPointer, new object?[] { problem.Subject, problem.Events, problem.Detail }, filterField),
            EventProblemKind.FilterValueType => (Messages.FilterValueType, new object?[] { problem.Subject, problem.Events, problem.Detail,
                FieldKinds.Of(problem.Detail ?? "") == FieldValueKind.String ? "a number" : "a string" }, filterField),
            _ => (Messages.UserStringAtSyscallEntry, new object?[] { problem.Events }, @"\buser_string\b"),
        };
        var (start, length) = Find(source, pattern);
        var (line, column) = Position(source, start);
        var (endLine, endColumn) = Position(source, start + length);
        return new Diagnostic(descriptor.Code, descriptor.Severity, descriptor.Render(args), file, line, column, endLine, endColumn);
    }

    /// <summary>Offset and length of the first match not in a comment (else the first match);
    /// (0, 0), the start of the file, when the text is not found.</summary>
    private static (int Start, int Length) Find(string source, string pattern)
    {
        var matches = Regex.Matches(source, pattern);
        var best = matches.FirstOrDefault(m => !InComment(source, m.Index)) ?? matches.FirstOrDefault();
        if (best is null) return (0, 0);
        var name = best.Groups["name"];
        return name.Success ? (name.Index, name.Length) : (best.Index, best.Length);
    }

    // '#' starts a comment to the end of the line (language.md); a '#' inside a string on the
    // same line is rare enough that the next match is then taken instead.
    private static bool InComment(string source, int offset)
    {
        var lineStart = offset == 0 ? 0 : source.LastIndexOf('\n', offset - 1) + 1;
        return source.IndexOf('#', lineStart, offset - lineStart) >= 0;
    }

    private static (int Line, int Column) Position(string source, int offset)
    {
        int line = 1, column = 1;
        for (var i = 0; i < offset && i < source.Length; i++)
        {
            if (source[i] == '\n') { line++; column = 1; }
            else column++;
        }
        return (line, column);
    }
}
