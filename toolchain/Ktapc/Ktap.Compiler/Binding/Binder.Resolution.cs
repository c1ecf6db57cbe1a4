using Ktap.Bytecode;
using Ktap.Diagnostics;
using Ktap.Syntax;

namespace Ktap.Binding;

// The checks that need the whole script: which free names are globals and which are
// built-ins, library members, args.NAME, call arity and printf formats, and `<<<` targets.
public sealed partial class Binder
{
    private readonly HashSet<string> _warnedNames = new(StringComparer.Ordinal);

    private void ResolveFreeNames()
    {
        foreach (var (name, _, isCallee) in _freeNames) ResolveName(name, isCallee);
        foreach (var (member, function, isCallee) in _freeMembers) ResolveMember(member, function, isCallee);
    }

    private void ResolveName(NameExpr n, bool isCallee)
    {
        if (_assignedGlobals.Contains(n.Name)) { _table.Bind(n, _globals.GetOrAdd(n.Name)); return; }
        if (n.Name == "arg") { _table.Bind(n, new BuiltinSymbol(Builtins.ScriptArgs)); return; }
        if (Builtins.Find(n.Name) is { } b)
        {
            _table.Bind(n, new BuiltinSymbol(b));
            if (Builtins.IsHidden(b)) _diagnostics.Report(Messages.HiddenBuiltin, n.Span, n.Name);
            else if (!isCallee) _diagnostics.Report(Messages.BuiltinAsValue, n.Span, n.Name);
            return;
        }
        if (Builtins.Libraries.Contains(n.Name))
        {
            _diagnostics.Report(Messages.LibraryNotValue, n.Span, n.Name, string.Join(", ", Builtins.MembersOf(n.Name)));
            _table.Bind(n, _globals.GetOrAdd(n.Name));
            return;
        }
        _table.Bind(n, _globals.GetOrAdd(n.Name));
        if (isCallee) _diagnostics.Report(Messages.UnknownFunction, n.Span, n.Name, Builtins.DidYouMean(n.Name));
        else if (_warnedNames.Add(n.Name)) _diagnostics.Report(Messages.NeverAssignedGlobal, n.Span, n.Name);
    }

    private void ResolveMember(MemberExpr m, FunctionInfo function, bool isCallee)
    {
        var target = (NameExpr)m.Target;
        if (_assignedGlobals.Contains(target.Name)) { _table.Bind(target, _globals.GetOrAdd(target.Name)); return; }
        if (target.Name == "args")
        {
            _table.MarkEventField(m);
            var handler = function.TraceHandler;
            if (handler == null) { _diagnostics.Report(Messages.EventDataOutsideTrace, m.Span, "args." + m.Name); return; }
            if (handler.Events.Count > 0 && handler.Events.All(e => e.KnownFields != null))
            {
                var fields = handler.Events.SelectMany(e => e.KnownFields!).Distinct().ToList();
                if (!fields.Contains(m.Name))
                    _diagnostics.Report(Messages.UnknownEventField, m.NameSpan, handler.Events[0].Spec, m.Name,
                        fields.Count == 0 ? "none" : string.Join(", ", fields));
            }
            return;
        }
        var b = Builtins.Find(target.Name + "." + m.Name);
        if (b == null)
        {
            _diagnostics.Report(Messages.UnknownLibraryMember, m.NameSpan, target.Name, m.Name, string.Join(", ", Builtins.MembersOf(target.Name)));
            return;
        }
        _table.BindLibraryMember(m, new BuiltinSymbol(b));
        if (!isCallee) _diagnostics.Report(Messages.BuiltinAsValue, m.Span, b.Name);
    }

    /// <summary>The built-in a call's callee resolved to, if any.</summary>
    internal static BuiltinInfo? CalledBuiltin(CallExpr call, BindingTable table) => call.Callee switch
    {
        NameExpr n when table.SymbolOf(n) is BuiltinSymbol b => b.Info,
        MemberExpr m when table.BuiltinOf(m) is { } b => b.Info,
        _ => null,
    };

    internal static bool IsMultiValued(Expr e) => e is CallExpr or MethodCallExpr or VarargExpr;

    private void CheckCalls()
    {
        foreach (var (call, _) in _calls)
        {
            var b = CalledBuiltin(call, _table);
            if (b == null || Builtins.IsHidden(b)) continue;
            int n = call.Arguments.Count;
            bool open = n > 0 && IsMultiValued(call.Arguments[^1]) && b.Id != Builtins.Printf.Id && b.Id != Builtins.Print.Id;
            bool tooFew = n < b.MinArgs && !open;
            bool tooMany = b.MaxArgs >= 0 && n > b.MaxArgs;
            if (tooFew || tooMany)
                _diagnostics.Report(Messages.WrongArgumentCount, call.Span, b.Name, Builtins.DescribeArity(b), n);
            if (b.Id == Builtins.Printf.Id && n > 0 && call.Arguments[0] is StringExpr format)
            {
                var (count, bad) = PrintfFormat.Analyse(format.Value);
                if (bad != null) _diagnostics.Report(Messages.PrintfBadConversion, format.Span, bad);
                else if (count != n - 1) _diagnostics.Report(Messages.PrintfArgumentCount, format.Span, count, n - 1);
            }
        }
    }

    private void CheckAggregates()
    {
        foreach (var (obj, _) in _aggregateTargets)
        {
            var inner = obj is ParenExpr p ? p.Inner : obj;
            if (Classify(inner) is { } kind and not "ptable" and not "unknown")
            {
                _diagnostics.Report(Messages.AggregateNotPtable, obj.Span, "this is " + kind);
                continue;
            }
            if (inner is not NameExpr name || _table.SymbolOf(name) is BuiltinSymbol) continue;
            if (!_assignments.TryGetValue(VariableKey(name), out var values)) continue;
            var kinds = values.Select(Classify).Where(k => k != null).ToList();
            if (kinds.Count == 0 || kinds.Any(k => k is "ptable" or "unknown")) continue;
            _diagnostics.Report(Messages.AggregateNotPtable, obj.Span, $"'{name.Name}' is only ever assigned {string.Join(" or ", kinds.Distinct())}");
        }
    }

    /// <summary>What a value expression certainly is: a description, "ptable", "unknown", or null for nil.</summary>
    private string? Classify(Expr e) => e switch
    {
        NilExpr => null,
        TableExpr => "a table constructor",
        NumberExpr or SymbolExpr => "a number",
        StringExpr => "a string",
        BoolExpr => "a boolean",
        FunctionExpr => "a function",
        CallExpr c when CalledBuiltin(c, _table) is { } b && b.Id == Builtins.Ptable.Id => "ptable",
        ParenExpr p => Classify(p.Inner),
        _ => "unknown",
    };
}
