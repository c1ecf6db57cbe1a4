using Ktap.Bundle;
using Ktap.Bytecode;

namespace Ktap.Linking;

public enum EventProblemKind { UnknownTracepoint, UnknownField }

/// <summary>
/// One event a board does not have. <see cref="Subject"/> is the text as the script wrote it
/// (the tracepoint spec or glob, or the field name of `args.NAME`), so callers can point at it;
/// <see cref="Events"/> names the handler's events for a field problem.
/// </summary>
public sealed record EventProblem(EventProblemKind Kind, string Subject, string Events, string? Suggestion)
{
    public string DidYouMean => Suggestion is null ? "" : $" (did you mean '{Suggestion}'?)";
}

/// <summary>
/// THE check of a compiled script's tracepoints against a board's event catalog: each
/// tracepoint name or glob must match an event, and every `args.NAME` its handler reads must
/// be a field of the events it is attached to. Used by `ktap run` and by Ktap.Targets.
/// </summary>
public static class EventCheck
{
    public static IReadOnlyList<EventProblem> Check(BundleModel model, EventCatalog catalog)
    {
        var problems = new List<EventProblem>();
        var fieldsByHandler = new Dictionary<int, HashSet<string>?>();
        foreach (var e in model.Events)
        {
            if (e.Kind != EventKind.Tracepoint)
            {
                // Probe fields are fetch-args, which the compiler checks itself.
                fieldsByHandler[e.Handler] = null;
                continue;
            }
            var pattern = e.Target ?? e.Spec;
            var matched = catalog.Match(pattern);
            if (matched.Count == 0)
            {
                problems.Add(new EventProblem(EventProblemKind.UnknownTracepoint, pattern, pattern, Suggest.Closest(pattern, catalog.Events.Keys)));
                fieldsByHandler[e.Handler] = null; // do not also report its fields
                continue;
            }
            var fields = matched.SelectMany(m => catalog.Events[m]).Select(f => f.Name);
            if (!fieldsByHandler.TryGetValue(e.Handler, out var set))
                fieldsByHandler[e.Handler] = new HashSet<string>(fields, StringComparer.Ordinal);
            else
                set?.UnionWith(fields);
        }
        foreach (var (handler, fields) in fieldsByHandler)
        {
            if (fields is null || handler < 0 || handler >= model.Functions.Count) continue;
            foreach (var name in FieldsUsed(model, model.Functions[handler]))
                if (!fields.Contains(name))
                {
                    var events = string.Join(", ", model.Events.Where(e => e.Handler == handler).Select(e => e.Target ?? e.Spec));
                    problems.Add(new EventProblem(EventProblemKind.UnknownField, name, events, Suggest.Closest(name, fields)));
                }
        }
        return problems;
    }

    /// <summary>The names of `args.NAME` reads (EVFIELD) in a handler's code.</summary>
    public static IEnumerable<string> FieldsUsed(BundleModel model, FunctionModel function) =>
        function.Code.Where(i => Instruction.Op(i) == Opcode.EVFIELD)
            .Select(i => model.Strings.GetText(Instruction.Bx(i))).Distinct(StringComparer.Ordinal);
}
