using Ktap.Binding.Events;
using Ktap.Diagnostics;
using Ktap.Syntax;

namespace Ktap.Binding;

public sealed partial class Binder
{
    private void BindStatement(Stmt statement)
    {
        switch (statement)
        {
            case AssignStmt a:
                foreach (var v in a.Values) BindExpression(v);
                for (int i = 0; i < a.Targets.Count; i++)
                {
                    BindAssignTarget(a.Targets[i]);
                    RecordAssignment(a.Targets[i], i < a.Values.Count ? a.Values[i] : null, a.Values.Count > 0 && i >= a.Values.Count && a.Values[^1] is CallExpr or MethodCallExpr or VarargExpr);
                }
                break;
            case CompoundAssignStmt c:
                BindExpression(c.Value);
                if (c.Op == CompoundOp.Aggregate)
                {
                    if (c.Target is IndexExpr ix) { BindExpression(ix.Target); BindExpression(ix.Key); _aggregateTargets.Add((ix.Target, c.OpSpan)); }
                    else if (c.Target is MemberExpr m && m.Target is not NameExpr { Name: "args" }) { BindExpression(m.Target); _aggregateTargets.Add((m.Target, c.OpSpan)); }
                    else { BindExpression(c.Target); _diagnostics.Report(Messages.AggregateNeedsIndex, c.OpSpan); }
                }
                else
                {
                    BindExpression(c.Target); // += reads the target too
                    if (c.Target is NameExpr) BindAssignTarget(c.Target);
                }
                break;
            case CallStmt call: BindExpression(call.Call); break;
            case IfStmt i:
                foreach (var (cond, body) in i.Branches) { BindExpression(cond); BindBlock(body); }
                if (i.ElseBody != null) BindBlock(i.ElseBody);
                break;
            case WhileStmt w:
                BindExpression(w.Condition);
                _loopDepth++; BindBlock(w.Body); _loopDepth--;
                break;
            case RepeatStmt r:
                // The condition sees the body's locals, as in Lua.
                _scope = new Scope(_scope, _function);
                _loopDepth++; BindBlock(r.Body, newScope: false); _loopDepth--;
                BindExpression(r.Condition);
                EndScope();
                _scope = _scope.Parent!;
                break;
            case NumericForStmt f:
                BindExpression(f.Start); BindExpression(f.Limit);
                if (f.Step != null) BindExpression(f.Step);
                _scope = new Scope(_scope, _function);
                DeclareLoopVariable(f.Variable);
                _loopDepth++; BindBlock(f.Body); _loopDepth--;
                _scope = _scope.Parent!;
                break;
            case GenericForStmt g:
                foreach (var v in g.Values) BindExpression(v);
                _scope = new Scope(_scope, _function);
                foreach (var v in g.Variables) DeclareLoopVariable(v);
                _loopDepth++; BindBlock(g.Body); _loopDepth--;
                _scope = _scope.Parent!;
                break;
            case FunctionStmt fs:
            {
                BindAssignTarget(fs.Name);
                RecordAssignment(fs.Name, new FunctionExpr(fs.Function.Span, fs.Function));
                BindFunction(NewFunction(fs.Function, _function, HandlerKind.None));
                break;
            }
            case LocalFunctionStmt lf:
            {
                var sym = DeclareLocal(lf.Name, checkUse: true);
                RecordAssignment(sym, new FunctionExpr(lf.Function.Span, lf.Function));
                BindFunction(NewFunction(lf.Function, _function, HandlerKind.None));
                break;
            }
            case LocalStmt l:
                foreach (var v in l.Values) BindExpression(v);
                for (int i = 0; i < l.Names.Count; i++)
                {
                    var sym = DeclareLocal(l.Names[i], checkUse: true);
                    if (sym is GlobalSymbol) _table.Undeclare(l.Names[i]);
                    RecordAssignment(sym, i < l.Values.Count ? l.Values[i] : null, l.Values.Count > 0 && i >= l.Values.Count && l.Values[^1] is CallExpr or MethodCallExpr or VarargExpr);
                }
                break;
            case ReturnStmt ret:
                foreach (var v in ret.Values) BindExpression(v);
                break;
            case BreakStmt b:
                if (_loopDepth == 0) _diagnostics.Report(Messages.BreakOutsideLoop, b.Span);
                break;
            case GotoStmt gt:
                if (!_labelScopes.Any(s => s.Contains(gt.Label)))
                    _diagnostics.Report(Messages.UnknownLabel, gt.LabelSpan, gt.Label);
                break;
            case LabelStmt:
                break;
            case TraceStmt t:
            {
                CheckHandlerPlacement(t, "trace");
                var info = NewFunction(t.Handler, _function, HandlerKind.Trace);
                var bound = _events.Bind(t.Events, t.Filter);
                info.Events.AddRange(bound);
                BindFunction(info);
                break;
            }
            case TraceEndStmt te:
            {
                CheckHandlerPlacement(te, "trace_end");
                var info = NewFunction(te.Handler, _function, HandlerKind.TraceEnd);
                info.Events.Add(new BoundEvent(Bundle.EventKind.TraceEnd, "trace_end", null, null, 0, Array.Empty<Bundle.FetchArgModel>()));
                BindFunction(info);
                break;
            }
            case TimerStmt tm:
            {
                CheckHandlerPlacement(tm, tm.IsProfile ? "profile" : "tick");
                var info = NewFunction(tm.Handler, _function, tm.IsProfile ? HandlerKind.Profile : HandlerKind.Tick);
                var interval = IntervalParser.Parse(tm.Interval, _diagnostics);
                info.Events.Add(new BoundEvent(tm.IsProfile ? Bundle.EventKind.Profile : Bundle.EventKind.Tick,
                    (tm.IsProfile ? "profile-" : "tick-") + tm.Interval.Text, null, null, interval, Array.Empty<Bundle.FetchArgModel>()));
                BindFunction(info);
                break;
            }
        }
    }

    private void RecordAssignment(Expr target, Expr? value, bool fromMultipleValues)
    {
        object? key = target is NameExpr n ? VariableKey(n) : null;
        if (key != null) RecordAssignment(key, fromMultipleValues ? new ErrorExpr(target.Span) : value);
    }

    private void RecordAssignment(Symbol symbol, Expr? value, bool fromMultipleValues) =>
        RecordAssignment(symbol is GlobalSymbol g ? g.Name : symbol, fromMultipleValues ? new ErrorExpr(default) : value);

    /// <summary>Locals are keyed by symbol, globals by name (free names are resolved later).</summary>
    private object VariableKey(NameExpr n) => _table.SymbolOf(n) is LocalSymbol l ? l : n.Name;

    private void DeclareLoopVariable(Param p)
    {
        var local = new LocalSymbol(p.Name, _function, p.Span);
        _table.Declare(p, local);
        _scope.Declare(local);
    }

    private void CheckHandlerPlacement(Stmt statement, string what)
    {
        if (!AtTopLevel) _diagnostics.Report(Messages.HandlerNotTopLevel, statement.Span.Length > 0 ? new Text.TextSpan(statement.Span.Start, what.Length) : statement.Span, what);
    }

    /// <summary>An assignment target: a name becomes a local write or a global write.</summary>
    private void BindAssignTarget(Expr target)
    {
        switch (target)
        {
            case NameExpr n:
            {
                var sym = LookupLocal(n.Name, n.Span);
                if (sym != null) _table.Bind(n, sym);
                else
                {
                    _assignedGlobals.Add(n.Name);
                    _table.Bind(n, _globals.GetOrAdd(n.Name));
                }
                break;
            }
            case IndexExpr ix: BindExpression(ix.Target); BindExpression(ix.Key); break;
            case MemberExpr m: BindExpression(m.Target); break;
            default: BindExpression(target); break;
        }
    }
}
