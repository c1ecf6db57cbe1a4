using Ktap.Bundle;
using Ktap.Bytecode;

namespace Ktap.Catalog;

public enum EventProblemKind
{
    UnknownTracepoint, UnknownField,
    UnknownFilterField, FilterStringOnPointer, FilterValueType,
    UserStringAtSyscallEntry, // a warning: the rest are errors
}

/// <summary>
/// One event a board does not have. <see cref="Subject"/> is the text as the script wrote it
/// (the tracepoint spec or glob, or the field name of `args.NAME`), so callers can point at it;
/// <see cref="Events"/> names the handler's events for a field problem; <see cref="Detail"/>
/// is the field's declaration in the format file (filter type problems).
/// </summary>
public sealed record EventProblem(EventProblemKind Kind, string Subject, string Events, string? Suggestion, string? Detail = null)
{
    public string DidYouMean => Suggestion is null ? "" : $" (did you mean '{Suggestion}'?)";
    public bool IsWarning => Kind == EventProblemKind.UserStringAtSyscallEntry;
}

/// <summary>
/// THE check of a compiled script's tracepoints against a board's event catalog: each
/// tracepoint name or glob must match an event, and every `args.NAME` its handler reads must
/// be a field of the events it is attached to. A /FILTER/'s fields are checked the same way
/// (the kernel's filter would silently match nothing), with their types: a string compared
/// with a pointer or number field, or a number with a string field, never matches. A
/// handler of syscall entry that calls user_string() gets a warning (docs/language-notes.md).
/// Used by `ktap run` and by Ktap.Targets.
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
            if (e.Filter is { } filter) CheckFilter(problems, filter, pattern, matched.SelectMany(m => catalog.Events[m]).ToList());
            if (matched.Any(m => m.StartsWith("syscalls:sys_enter_", StringComparison.Ordinal)) && e.Handler >= 0 &&
                e.Handler < model.Functions.Count && CallsUserString(model.Functions[e.Handler]) &&
                !problems.Any(p => p.Kind == EventProblemKind.UserStringAtSyscallEntry && p.Events == pattern))
                problems.Add(new EventProblem(EventProblemKind.UserStringAtSyscallEntry, "user_string", pattern, null));
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

    private static void CheckFilter(List<EventProblem> problems, string filter, string events, IReadOnlyList<EventField> fields)
    {
        foreach (var term in FilterTerms.Parse(filter))
        {
            var declarations = fields.Where(f => f.Name == term.Field).Select(f => f.Declaration).Distinct().ToList();
            FieldValueKind kind;
            string declaration;
            if (declarations.Count > 0)
            {
                // Across a glob's events the same name may differ: the worst case decides.
                var kinds = declarations.Select(FieldKinds.Of).ToList();
                kind = term.IsString
                    ? kinds.Contains(FieldValueKind.Pointer) ? FieldValueKind.Pointer : kinds.Contains(FieldValueKind.String) ? FieldValueKind.String : kinds[0]
                    : kinds.Contains(FieldValueKind.Number) || kinds.Contains(FieldValueKind.Pointer) ? FieldValueKind.Number : kinds[0];
                declaration = declarations[kinds.IndexOf(kind) is var i and >= 0 ? i : 0];
            }
            else if (FilterTerms.TaskFields.TryGetValue(term.Field, out var isString))
            {
                (kind, declaration) = isString ? (FieldValueKind.String, "char comm[16]") : (FieldValueKind.Number, "int " + term.Field);
            }
            else
            {
                var names = fields.Select(f => f.Name).Concat(FilterTerms.TaskFields.Keys).Distinct();
                Add(problems, new EventProblem(EventProblemKind.UnknownFilterField, term.Field, events, Suggest.Closest(term.Field, names)));
                continue;
            }
            if (term.IsString && kind == FieldValueKind.Pointer)
                Add(problems, new EventProblem(EventProblemKind.FilterStringOnPointer, term.Field, events, null, declaration));
            else if (term.IsString != (kind == FieldValueKind.String))
                Add(problems, new EventProblem(EventProblemKind.FilterValueType, term.Field, events, null, declaration));
        }
    }

    private static void Add(List<EventProblem> problems, EventProblem problem)
    {
        if (!problems.Contains(problem)) problems.Add(problem);
    }

    private static readonly int UserStringId = Ktap.Binding.Builtins.Get("user_string").Id;

    /// <summary>Whether a handler's own code loads the user_string built-in (to call it).</summary>
    public static bool CallsUserString(FunctionModel function) =>
        function.Code.Any(i => Instruction.Op(i) == Opcode.LOADBUILTIN && Instruction.Bx(i) == UserStringId);

    /// <summary>The names of `args.NAME` reads (EVFIELD) in a handler's code.</summary>
    public static IEnumerable<string> FieldsUsed(BundleModel model, FunctionModel function) =>
        function.Code.Where(i => Instruction.Op(i) == Opcode.EVFIELD)
            .Select(i => model.Strings.GetText(Instruction.Bx(i))).Distinct(StringComparer.Ordinal);
}
